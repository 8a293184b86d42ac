// Starts Baton: config → store → demo seed → bots → createApp → listen. Stops gracefully.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { smtpMailer } from './service/mail.js';
import { SiteBots } from './bot/registry.js';
import { configOrExit } from './config.js';
import { DEMO, seedDemo } from './demo.js';
import { createLogger } from './log.js';
import { speechEngine, siteVocabulary } from './speech/setup.js';
import { createStore } from './store/index.js';

const SITES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../sites');

async function main() {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const store = await createStore(config.databaseUrl, { dataDir: config.dataDir });
  await store.migrate();
  if (config.demo) {
    const extraOrigins = config.publicUrl ? [new URL(config.publicUrl).origin] : [];
    await seedDemo(store, { now: new Date().toISOString(), extraOrigins, secret: config.secret });
  }

  // One engine per site directory (sites/<key>/). In demo mode sites without one use the demo's;
  // otherwise each site needs its own (pnpm baton site create makes it).
  const bots = new SiteBots(process.env.BATON_SITES_DIR ?? SITES_DIR, config.demo ? 'demo' : null, config.llm);
  // Fail at start, not on the first visitor, if a playbook is broken; say which sites have none.
  for (const site of await store.listSites()) {
    try {
      bots.get(site.key);
    } catch (error) {
      if (config.demo || !/has no playbook/.test((error as Error).message)) throw error;
      logger.error({ site: site.key }, (error as Error).message);
    }
  }
  const speech = speechEngine(config.speech, config.voice.enabled);
  if (!speech.engine) logger.warn({ reason: speech.reason }, 'voice mode is off');
  const vocabulary = siteVocabulary((key) => bots.dirOf(key));
  const app = await createApp({
    store,
    secret: config.secret,
    logger,
    bots: (site) => bots.get(site.key),
    secureCookies: config.publicUrl?.startsWith('https://') ?? false,
    ...(config.smtp ? { mailer: smtpMailer(config.smtp.url, config.smtp.from) } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    ...(config.redisUrl ? { redis: { url: config.redisUrl, streamName: config.redisStream } } : {}),
    ...(config.staticDir ? { staticDir: config.staticDir } : {}),
    allowPrivateWebhooks: config.allowPrivateWebhooks,
    trustProxy: config.trustProxy,
    limits: {
      conversationPerIp: { points: config.conversationsPerIpPerHour, duration: 3600 },
      visitorPerIp: { points: config.newVisitorsPerIpPerMinute, duration: 60 },
      socketsPerIp: { points: config.socketsPerIp, duration: 1 },
    },
    voice: { speech: speech.engine, iceServers: config.voice.iceServers, vocabulary: (site) => vocabulary.get(site.key) },
  });
  const { url } = await app.listen(config.port, config.host);

  const lines = [
    `Baton is running at ${url}`,
    `  visitor demo page: ${url}/`,
    `  agent console:     ${url}/console`,
    `  database:          ${store.dialect}${config.databaseUrl ? '' : ` (${config.dataDir}/baton.sqlite)`}`,
  ];
  if (config.redisUrl) lines.push('  cluster:           Socket.IO over Redis Streams (several nodes)');
  lines.push(`  voice:             ${speech.engine ? `${speech.engine.name} speech engine` : `off (${speech.reason})`}`);
  lines.push(`  bot:               ${config.llm ? `language model ${config.llm.model} behind the playbook's rules` : 'built-in engine (playbook + knowledge base)'}`);
  if (config.demo) {
    lines.push(`  demo agent:        ${DEMO.agentEmail} / ${DEMO.agentPassword}`);
    lines.push(`  identity secret:   ${DEMO.identitySecret} (demo site; signs user ids for Baton('identify', …))`);
  }
  console.log(lines.join('\n'));
  logger.info({ url, dialect: store.dialect, demo: config.demo }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close().catch((err) => logger.error({ err }, 'close failed'));
    await store.close().catch(() => {});
    process.exit(0);
  };
  // SIGHUP re-reads playbooks and knowledge bases; a bad file keeps the last good one.
  process.on('SIGHUP', () => {
    vocabulary.forget();
    for (const r of bots.reloadAll()) {
      if (r.ok) logger.info({ site: r.siteKey }, 'playbook reloaded');
      else logger.error({ site: r.siteKey, error: r.error }, 'playbook reload failed; keeping the last good one');
    }
  });
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// Debian's nginx in front of Baton nodes, configured as docs/deploy.md says: WebSocket upgrade,
// ip_hash for the HTTP long-polling fallback, the next upstream when a node is gone. .ci/run
// installs nginx-light; without it the suites that use this fail rather than skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster.js';

const NGINX = '/usr/sbin/nginx';

export interface LoadBalancer {
  url: string;
  stop(): void;
}

export async function startNginx(upstreamPorts: number[]): Promise<LoadBalancer> {
  const port = await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'baton-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const conf = join(prefix, 'nginx.conf');
  const servers = upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`).join('\n');
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  upstream baton {
    ip_hash;
${servers}
  }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://baton;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 75s;
      proxy_next_upstream error timeout http_502;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => void child.kill('SIGTERM') };
}

/** The process id of the node nginx sends this client to (loopback clients all hash alike). */
export async function servedBy(lb: LoadBalancer): Promise<number> {
  const { node } = (await (await fetch(`${lb.url}/healthz`)).json()) as { node: number };
  return node;
}

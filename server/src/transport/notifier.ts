// The service's Notifier over the two namespaces' rooms (joined in visitor-socket.ts and
// agent-socket.ts). Through the Redis adapter a room reaches its sockets on every node.
import type { Notifier } from '../service/conversations.js';
import type { AgentNamespace } from './agent-socket.js';
import type { VisitorNamespace } from './visitor-socket.js';

export function socketNotifier(visitors: VisitorNamespace, agents: AgentNamespace): Notifier {
  return {
    toVisitor: (visitorId, event, ...payload) => visitors.to(`visitor:${visitorId}`).emit(event, ...payload),
    toWatchers: (conversationId, event, ...payload) => agents.to(`conv:${conversationId}`).emit(event, ...payload),
    toAgent: (agentId, event, ...payload) => agents.to(`agent:${agentId}`).emit(event, ...payload),
    toSiteAgents: (siteId, event, ...payload) => agents.to(`site:${siteId}`).emit(event, ...payload),
  };
}

import Fastify from 'fastify';

/**
 * This machine's HTTP ceiling: the same Fastify version as rosterd, one route, a constant small JSON body,
 * no logger. Run as its own process (bench/server-process.ts), like the gateway, and loaded the same way.
 */
const app = Fastify({ logger: false });
const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] };
app.get('/ping', async (_request, reply) => {
  reply.type('application/scim+json');
  return body;
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`ceiling listening on ${address}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

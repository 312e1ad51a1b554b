import Database from 'better-sqlite3';
import Fastify from 'fastify';

/**
 * The least a SCIM `userName eq` lookup can cost on rosterd's stack: the same Fastify, no logger, no auth, a regex for
 * the filter, one prepared better-sqlite3 read on rosterd's own index, and a User of the same fields as rosterd's.
 * What separates rosterd from this is its own work; what separates this from the ceiling is the stack's.
 */
const file = process.env.FLOOR_DATABASE;
if (!file) throw new Error('FLOOR_DATABASE: the SQLite file to read');
const db = new Database(file, { readonly: true, fileMustExist: true });
// As rosterd's lookup connection.
db.pragma('cache_size = -32768');
const byUserName = db.prepare('select * from membership where workspace_id = ? and user_name_lower = ?');
const FILTER = /^userName eq "(.*)"$/;

type Row = Record<string, string | number | null>;

function userOf(row: Row, base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    id: row.id,
    externalId: row.external_id,
    userName: row.user_name,
    name: { givenName: row.given_name, familyName: row.family_name, formatted: row.formatted_name },
    displayName: row.display_name,
    title: row.title,
    emails: JSON.parse(String(row.emails)),
    active: row.active === 1,
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: row.department },
    meta: { resourceType: 'User', created: row.created_at, lastModified: row.updated_at, location: `${base}/Users/${row.id}`, version: `W/"${row.version}"` },
  };
}

const app = Fastify({ logger: false });
app.get<{ Params: { workspaceId: string }; Querystring: { filter?: string } }>('/scim/v2/organizations/:workspaceId/Users', async (request, reply) => {
  const userName = FILTER.exec(request.query.filter ?? '')?.[1] ?? '';
  const row = byUserName.get(request.params.workspaceId, userName.toLowerCase()) as Row | undefined;
  const base = `http://${request.headers.host}/scim/v2/organizations/${request.params.workspaceId}`;
  const resources = row ? [userOf(row, base)] : [];
  reply.type('application/scim+json');
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`floor listening on ${address}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

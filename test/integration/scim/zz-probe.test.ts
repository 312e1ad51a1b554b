import { it } from 'vitest';
import { patchOp, scimClient, startTestGateway } from '../../support/test-gateway.js';
import { userBody } from '../../integration/scim/scim-kit.js';
it('probe', async () => {
  const gw = await startTestGateway('sqlite');
  const ws = await gw.workspace({ id: 'p', preset: 'multitenant-app-roles' });
  const scim = scimClient(gw.app, ws.base, ws.token);
  const c = await scim.post('/Users', userBody('a@x.example'));
  console.log(JSON.stringify((await scim.patch(`/Users/${c.body.id}`, patchOp({ op: 'Add', path: 'roles[primary eq "True"].value', value: 'Editor' }))).body));
  const d = await scim.post('/Users', userBody('b@x.example', {roles:[{value:'Viewer', primary:true}]}));
  console.log(JSON.stringify((await scim.patch(`/Users/${d.body.id}`, patchOp({ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Editor' }))).body));
  await gw.close();
});

import test from 'ava';
import {
  defaultScopesSupported,
  protectedResourceMetadata,
  resourceMetadataUrl,
} from '../../server/security/resource-metadata.js';

test('the RFC 9728 document names the resource, its authorization servers and header-only bearer tokens', (t) => {
  const doc = protectedResourceMetadata({
    resource: 'https://mcp.example.com/mcp',
    authorizationServers: ['https://auth.example.com'],
    scopesSupported: defaultScopesSupported(['github', 'slack']),
  });
  t.deepEqual(doc, {
    resource: 'https://mcp.example.com/mcp',
    authorization_servers: ['https://auth.example.com'],
    scopes_supported: ['admin', 'server:*', 'server:github', 'server:slack'],
    bearer_methods_supported: ['header'],
  });
});

test('a resource with a fragment or a non-http scheme is refused', (t) => {
  t.throws(() => protectedResourceMetadata({ resource: 'https://x.example/mcp#a', authorizationServers: [] }), {
    message: /fragment/,
  });
  t.throws(() => protectedResourceMetadata({ resource: 'ftp://x.example/', authorizationServers: [] }));
  t.throws(() => protectedResourceMetadata({ resource: 'https://x.example/', authorizationServers: ['not a url'] }));
});

test('the metadata URL puts the well-known path between host and resource path (section 3.1)', (t) => {
  t.is(resourceMetadataUrl('https://gw.example/mcp'), 'https://gw.example/.well-known/oauth-protected-resource/mcp');
  t.is(resourceMetadataUrl('http://127.0.0.1:7420/'), 'http://127.0.0.1:7420/.well-known/oauth-protected-resource');
  t.is(
    resourceMetadataUrl('https://gw.example/tenant/mcp/'),
    'https://gw.example/.well-known/oauth-protected-resource/tenant/mcp',
  );
});

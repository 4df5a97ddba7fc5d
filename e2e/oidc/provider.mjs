// A real OpenID Connect provider for the tests (the npm package `oidc-provider`), on 127.0.0.1.
//
// Started by the `oidc_provider` pytest fixture (chalkline/people/tests/oidc_harness.py):
//   PORT=<port> OIDC_CLIENTS='[{"client_id": ..., "client_secret": ..., "redirect_uris": [...]}]'
//   node e2e/oidc/provider.mjs
// It prints "READY <issuer>" once it listens.
//
// Test-only controls (never part of a real provider):
//   POST /__test__/next-login {"sub": ..., "claims": {...}, "tamper": {...}}
//     chooses who signs in at the next interaction (the login is programmatic: no form), with
//     which claims (email, email_verified, hd, tid, name), and optionally how the ID token this
//     account receives is to be re-signed wrongly: {"aud": ..., "iss": ..., "nonce": ...,
//     "exp_offset": -3600}. The re-signed token carries the provider's real signature, so the
//     client sees exactly what a misbehaving or hostile provider would send.
//   POST /__test__/rotate-key
//     key rotation: a new signing key (a new `kid`) is published beside the old one, and every ID
//     token from then on is signed with it.
//   GET /__test__/requests
//     how many times the discovery document and the key set were fetched: {"discovery": n,
//     "jwks": n}, so the tests can see what the client caches.
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');

// A fresh key id per process: a client's cache from an earlier run never matches by accident.
async function newKey() {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const kid = `test-key-${crypto.randomUUID().slice(0, 8)}`;
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateKey,
    privateJwk: { ...(await jose.exportJWK(privateKey)), ...meta },
    publicJwk: { ...(await jose.exportJWK(publicKey)), ...meta },
  };
}
const keys = [await newKey()];
const jwk = keys[0].privateJwk;
let rotated = false;
const requestCounts = { discovery: 0, jwks: 0 };

const accounts = new Map(); // sub -> { claims, tamper }
let nextLogin = null;

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  jwks: { keys: [jwk] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub', 'hd', 'tid'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  conformIdTokenClaims: false,
  cookies: { keys: ['test-only-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account.claims }; } };
  },
});

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/.well-known/openid-configuration') requestCounts.discovery += 1;
  if (ctx.path === '/jwks' && ctx.method === 'GET') {
    requestCounts.jwks += 1;
    ctx.body = { keys: keys.map((k) => k.publicJwk) };
    return;
  }
  if (ctx.path === '/__test__/requests' && ctx.method === 'GET') {
    ctx.body = requestCounts;
    return;
  }
  if (ctx.path === '/__test__/rotate-key' && ctx.method === 'POST') {
    keys.push(await newKey());
    rotated = true;
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/__test__/next-login' && ctx.method === 'POST') {
    const body = await readJson(ctx.req);
    accounts.set(body.sub, { claims: body.claims || {}, tamper: body.tamper || null });
    nextLogin = body.sub;
    ctx.status = 204;
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result;
    if (details.prompt.name === 'login') {
      if (!nextLogin) {
        ctx.status = 400;
        ctx.body = 'no test login chosen';
        return;
      }
      result = { login: { accountId: nextLogin } };
    } else {
      const grant = new provider.Grant({
        accountId: details.session.accountId,
        clientId: details.params.client_id,
      });
      grant.addOIDCScope(String(details.params.scope));
      result = { consent: { grantId: await grant.save() } };
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
    ctx.redirect(to);
    return;
  }
  await next();
  if (ctx.oidc?.route === 'token' && ctx.body && ctx.body.id_token) {
    const claims = jose.decodeJwt(ctx.body.id_token);
    const account = accounts.get(claims.sub);
    const tamper = (account && account.tamper) || {};
    if ((account && account.tamper) || rotated) {
      if (tamper.aud !== undefined) claims.aud = tamper.aud;
      if (tamper.iss !== undefined) claims.iss = tamper.iss;
      if (tamper.nonce !== undefined) claims.nonce = tamper.nonce;
      if (tamper.exp_offset !== undefined) {
        const now = Math.floor(Date.now() / 1000);
        claims.exp = now + tamper.exp_offset;
        claims.iat = claims.exp - 3600;
      }
      const signer = keys[keys.length - 1];
      ctx.body = {
        ...ctx.body,
        id_token: await new jose.SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: signer.kid })
          .sign(signer.privateKey),
      };
    }
  }
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});

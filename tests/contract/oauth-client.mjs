// Drives the embedded authorization server with openid-client, a certified OpenID Connect client library:
//   node oauth-client.mjs <issuer>   (e.g. http://127.0.0.1:5123/)
// Discovery; client credentials; the authorization code flow with PKCE for a public native client on a loopback
// port of its own choosing, signing in on the login page as a browser would; the ID token, state and iss checks
// the library makes; userinfo; refresh; revocation; an error sent back to the client; and the API's
// WWW-Authenticate challenge. Prints each step; exits 1 on the first failure.
import * as client from "openid-client";

const issuer = new URL(process.argv[2]);
const insecure = { execute: [client.allowInsecureRequests] }; // loopback over http only
const step = (name) => console.log(`ok: ${name}`);
const fail = (message) => {
  console.log(`FAILED: ${message}`);
  process.exit(1);
};
const expect = (condition, message) => condition || fail(message);

// 1. Discovery: the library refuses metadata whose issuer is not the one it asked.
const secret = "dev-secret-service-client-change-me";
const service = await client.discovery(issuer, "service-client", secret, undefined, insecure);
expect(service.serverMetadata().issuer === issuer.href, `issuer ${service.serverMetadata().issuer}`);
step("discovery");

// 2. Client credentials, and the token on the API.
const machine = await client.clientCredentialsGrant(service, { scope: "orders.read" });
const protectedUrl = new URL("/_probe/caller", issuer);
const orders = await client.fetchProtectedResource(service, machine.access_token, protectedUrl, "GET");
expect(orders.status === 200, `the API answered ${orders.status} to a client credentials token`);
step("client credentials");

// 3. A refused token: the challenge says Bearer with error="invalid_token" (RFC 6750 §3).
const refused = await fetch(new URL("/_probe/caller", issuer), { headers: { authorization: "Bearer not-a-token" } });
const challenge = refused.headers.get("www-authenticate") ?? "";
expect(refused.status === 401 && /^Bearer\b.*error="invalid_token"/.test(challenge), `challenge '${challenge}'`);
step("WWW-Authenticate");

// 4. Authorization code + PKCE, public client, loopback redirect on a port not registered (RFC 8252 §7.3).
const app = await client.discovery(issuer, "cli", undefined, client.None(), insecure);
const redirect = `http://127.0.0.1:${50000 + Math.floor(Math.random() * 10000)}/callback`;
const verifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const authorize = client.buildAuthorizationUrl(app, {
  redirect_uri: redirect,
  scope: "openid profile offline_access orders.read",
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: "S256",
  state,
  nonce,
});
const callback = await signIn(authorize, "alice", "alice-dev-password");
expect(callback.href.startsWith(redirect), `sent to ${callback.href}`);
const tokens = await client.authorizationCodeGrant(app, callback, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
expect(tokens.claims()?.sub === "alice", `ID token subject ${tokens.claims()?.sub}`);
step("authorization code with PKCE (state, iss, nonce and ID token checked by the library)");

// 5. Userinfo for that subject.
const info = await client.fetchUserInfo(app, tokens.access_token, "alice");
expect(info.name === "Alice", `userinfo ${JSON.stringify(info)}`);
step("userinfo");

// 6. Refresh: a new refresh token each time.
const refreshed = await client.refreshTokenGrant(app, tokens.refresh_token);
expect(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, "the refresh token did not rotate");
step("refresh");

// 7. Revocation: the access token stops working at once.
await client.tokenRevocation(app, refreshed.access_token, { token_type_hint: "access_token" });
try {
  const revoked = await client.fetchProtectedResource(app, refreshed.access_token, protectedUrl, "GET");
  fail(`a revoked token got ${revoked.status}`);
} catch (error) {
  // The library reads the 401's challenge itself.
  const [challenged] = error?.cause ?? [];
  expect(error?.status === 401 && challenged?.scheme === "bearer" && challenged?.parameters?.error === "invalid_token",
    `a revoked token: ${error?.code ?? error}`);
}
step("revocation");

// 8. An error goes back to the client with state and iss, and the library reads it as the server's error.
const badState = client.randomState();
const bad = client.buildAuthorizationUrl(app, {
  redirect_uri: redirect,
  scope: "openid orders.delete",
  code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
  code_challenge_method: "S256",
  state: badState,
});
const errorCallback = await follow(bad, new Map());
try {
  await client.authorizationCodeGrant(app, errorCallback, { pkceCodeVerifier: verifier, expectedState: badState });
  fail("an invalid scope was accepted");
} catch (error) {
  const seen = `${error?.code ?? error}: ${error?.error ?? error?.message}`;
  expect(error?.error === "invalid_scope", `the library saw ${seen}`);
}
step("authorization error returned to the client");
console.log("oauth-client: all steps passed");

// The login as a browser does it: follow redirects, keep cookies, fill in the form with its hidden fields.
async function signIn(url, user, password) {
  const cookies = new Map();
  let location = await follow(url, cookies);
  if (!location.pathname.startsWith("/account/login")) return location;
  const page = await send(location, cookies);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    form.set(decode(match[1]), decode(match[2]));
  }
  form.set("username", user);
  form.set("password", password);
  const posted = await send(new URL("/account/login", issuer), cookies, form);
  expect(posted.status === 302, `the login form answered ${posted.status}`);
  return follow(new URL(posted.headers.get("location"), issuer), cookies);
}

// Follows redirects within the server; returns the first address outside it (the client's callback).
async function follow(url, cookies) {
  let current = new URL(url);
  for (let hop = 0; hop < 10; hop++) {
    if (current.origin !== issuer.origin) return current;
    const response = await send(current, cookies);
    if (response.status !== 302 && response.status !== 303) return current;
    current = new URL(response.headers.get("location"), current);
  }
  return fail("too many redirects");
}

async function send(url, cookies, form) {
  const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  const response = await fetch(url, { method: form ? "POST" : "GET", headers, body: form, redirect: "manual" });
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    const at = pair.indexOf("=");
    cookies.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return response;
}

function decode(text) {
  return text.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#x2B;", "+").replaceAll("&#x2F;", "/")
    .replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&#x3D;", "=");
}

// The app under its own security headers: it loads with no Content-Security-Policy violation, an
// injected inline script does not run, the headers are on pages and API answers, and the tokens of
// mailed links leave the address bar once the page has read them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

/** A page that records CSP violations (from the first byte: an init script runs before any of the page's) and console errors. */
async function watchedPage(context) {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  return { page, consoleErrors, violations: () => page.evaluate(() => window.__cspViolations) };
}

/** Registers an account through the API (as the sign-up form does). */
async function register(email, password) {
  const response = await fetch(`${env.server.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, display_name: "Grace Hopper", locale: "en", time_zone: "UTC" }),
  });
  assert.equal(response.status, 202);
}

test("the app runs under its CSP with no violation, and an injected inline script does not run", async () => {
  const context = await env.browser.newContext();
  const { page, consoleErrors, violations } = await watchedPage(context);
  const response = await page.goto(env.server.url);
  const headers = response.headers();
  assert.match(headers["content-security-policy"] ?? "", /script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(headers["content-security-policy"], /frame-ancestors 'none'/);
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(headers["referrer-policy"], "no-referrer");
  assert.equal(headers["strict-transport-security"], undefined, "plain http: no HSTS");

  await page.getByTestId("course-card").first().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  assert.equal(
    await page.evaluate(() => [...document.scripts].filter((script) => !script.src).length),
    0,
    "index.html has no inline script",
  );
  assert.deepEqual(await violations(), [], "no CSP violation while the app loads");
  // The app asks /api/me while signed out; that 401 is the only error the console may show.
  const unexpected = consoleErrors.filter((text) => !/status of 401 \(Unauthorized\)/.test(text));
  assert.deepEqual(unexpected, [], "no other console error (a blocked script would show here)");

  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__pwned = 1";
    document.body.append(script);
  });
  await page.waitForFunction(() => window.__cspViolations.length > 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "the inline script did not run");
  assert.match((await violations()).join("\n"), /script-src-elem inline/);
  await context.close();
});

test("API answers with personal data are never stored", async () => {
  const context = await env.browser.newContext();
  const me = await context.request.get(`${env.server.url}/api/me`, { failOnStatusCode: false });
  assert.equal(me.status(), 401);
  assert.equal(me.headers()["cache-control"], "no-store");
  assert.equal(me.headers()["x-content-type-options"], "nosniff");
  const catalog = await context.request.get(`${env.server.url}/api/courses`);
  assert.equal(catalog.headers()["cache-control"], "no-cache", "the public catalog may be revalidated");
  await context.close();
});

test("a mailed verification link's token leaves the address bar, and the address is verified", async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const { page, violations } = await watchedPage(context);
  const email = `grace.${Date.now()}@example.com`;
  const password = "compiler-pioneer-1952";
  await register(email, password);
  const mail = await env.server.mail(email);
  const link = mail.text.match(/https?:\/\/\S*\/verify-email\?token=[\w-]+/)?.[0];
  assert.ok(link, `a verification link in:\n${mail.text}`);

  await page.goto(link);
  await page.getByTestId("verify-ok").waitFor();
  assert.equal(page.url(), `${env.server.url}/verify-email`, "the token is gone from the address bar");
  assert.equal(await page.evaluate(() => location.search), "");
  assert.deepEqual(await violations(), []);
  const signIn = await fetch(`${env.server.url}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(signIn.status, 200, "the address was verified");
  await context.close();
});

test("a reset link's token leaves the address bar and still resets the password", async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const email = `hedy.${Date.now()}@example.com`;
  await register(email, "frequency-hopping-1942");
  const verify = (await env.server.mail(email)).text.match(/\/verify-email\?token=([\w-]+)/)[1];
  const verified = await fetch(`${env.server.url}/api/auth/verify-email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: verify }),
  });
  assert.equal(verified.status, 200);
  const forgot = await fetch(`${env.server.url}/api/auth/forgot-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  assert.equal(forgot.status, 202);
  let link;
  for (let i = 0; i < 75 && !link; i++) {
    link = (await env.server.mail(email)).text.match(/https?:\/\/\S*\/reset-password\?token=[\w-]+/)?.[0];
    if (!link) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(link, "a reset link was mailed");

  await page.goto(link);
  const form = page.locator("form#reset-password");
  await form.waitFor();
  await page.waitForURL(`${env.server.url}/reset-password`);
  await form.locator("[name=new_password]").fill("a-second-secret-phrase");
  await form.locator("[name=new_password]").press("Enter");
  await page.getByTestId("reset-done").waitFor();
  const signIn = await fetch(`${env.server.url}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "a-second-secret-phrase" }),
  });
  assert.equal(signIn.status, 200, "the new password works");
  await context.close();
});

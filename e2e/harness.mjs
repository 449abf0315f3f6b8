// Test harness for the browser end-to-end suite: starts the real sync-server on a free port with a
// fresh SQLite database, demo data and dev mode (the dev mailbox catches every mail), and launches
// Debian's Chromium through playwright-core.
// Never downloads a browser; `cargo xtask test` passes the paths in EDU_E2E_* variables.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the suite with \`cargo xtask test\``);
  return value;
}

/** Starts the server; resolves once it prints the URL it listens on. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "edu-e2e-"));
  const child = spawn(required("EDU_E2E_SERVER_BIN"), [], {
    env: {
      ...process.env,
      EDU_BIND: "127.0.0.1:0",
      EDU_DATABASE_URL: `sqlite://${join(dir, "e2e.db")}`,
      EDU_DEMO_DATA: "true",
      EDU_DEV_MODE: "true",
      EDU_STATIC_DIR: required("EDU_E2E_STATIC_DIR"),
      EDU_LOG: process.env.EDU_LOG ?? "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start in 30 s")), 30_000);
    let seen = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${seen}`));
    });
  });
  return {
    url,
    /** Waits for the newest mail to `to` in the dev mailbox (the outbox is delivered in the background). */
    async mail(to, { timeout = 15_000 } = {}) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const response = await fetch(`${url}/api/dev/mailbox?to=${encodeURIComponent(to)}`);
        const messages = await response.json();
        if (messages.length > 0) return messages[0];
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeout} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    /** Stops the server (SIGTERM, a graceful shutdown) and waits for it to exit. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
    async cleanup() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.EDU_E2E_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** The demo accounts' password (admin@, teacher@, student@demo.local): `DEMO_PASSWORD` in sync-server/src/identity/demo.rs. */
export const DEMO_PASSWORD = "demo-password-2026";

/**
 * Starts a server and a browser before the file's tests and stops both after them. The returned
 * object holds `server` and `browser` once the tests run.
 */
export function useServerAndBrowser() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.cleanup();
  });
  return env;
}

/**
 * Returns `apiAs(email)` for the server of `env`: it signs in through the API once per account
 * (sign-ins are rate limited to five a minute per account and address) and gives a caller
 * `call(method, path, body, { raw, expected, asText })` that sends the session as a bearer token,
 * JSON by default or `raw` bytes as octet-stream, asserts the status is one of `expected`, and
 * returns the parsed JSON answer (or null when empty), or with `asText` the answer's text as it
 * came (an event stream read to its end, say).
 */
export function apiCallers(env) {
  const callers = new Map();
  async function signIn(email) {
    const response = await fetch(`${env.server.url}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    });
    assert.equal(response.status, 200, `API sign-in of ${email}`);
    const { token } = await response.json();
    return async (method, path, body, { raw = false, expected = [200, 201, 204], asText = false } = {}) => {
      const answer = await fetch(`${env.server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": raw ? "application/octet-stream" : "application/json",
        },
        body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      });
      const text = await answer.text();
      assert.ok(expected.includes(answer.status), `${method} ${path}: ${answer.status} ${text}`);
      if (asText) return text;
      return text ? JSON.parse(text) : null;
    };
  }
  return (email) => {
    if (!callers.has(email)) callers.set(email, signIn(email));
    return callers.get(email);
  };
}

/** Signs in as `email` (the demo password) on the sign-in page `page` shows; waits for the user menu. */
export async function signInWithForm(page, email) {
  await page.locator("form#sign-in [name=email]").fill(email);
  await page.locator("form#sign-in [name=password]").fill(DEMO_PASSWORD);
  await page.locator("form#sign-in [name=password]").press("Enter");
  await page.getByTestId("user-menu").waitFor();
}

/**
 * A new browser context (with `options`) whose page is signed in as `email` through the sign-in
 * form; `prepare(page)` runs first, before any navigation (to attach listeners).
 */
export async function signedInContext(env, email, options = {}, prepare = () => {}) {
  const context = await env.browser.newContext(options);
  const page = await context.newPage();
  prepare(page);
  await page.goto(`${env.server.url}/sign-in`);
  await signInWithForm(page, email);
  return { context, page };
}

// User journeys through the app shell: the catalog, the language switch, unknown routes, and a
// reload with the network gone (the service worker's precache must carry the app).
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

test("a new visitor sees the demo catalog and is shown as online", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByTestId("course-card").first().waitFor();
  assert.ok((await page.getByTestId("course-card").count()) >= 3, "demo courses are listed");
  assert.equal(await page.getByTestId("online-status").getAttribute("data-online"), "true");
  await context.close();
});

test("switching to Russian translates the page and survives a reload", async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByTestId("course-card").first().waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  assert.equal(await page.title(), "Course catalog · EduPlatform", "the tab names the page");
  const englishHeader = await page.getByTestId("app-header").innerText();

  await page.getByTestId("locale-switch").selectOption("ru");
  await page.waitForFunction(() => document.documentElement.lang === "ru");
  const russianHeader = await page.getByTestId("app-header").innerText();
  assert.notEqual(russianHeader, englishHeader, "header text changes language");
  assert.match(russianHeader, /[а-яё]/i, "header shows Cyrillic text");
  await page.waitForFunction(() => document.title.startsWith("Каталог"));

  await page.reload();
  await page.getByTestId("course-card").first().waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "ru", "choice persists");
  await context.close();
});

test("an unknown page shows the not-found view; an unknown API route answers JSON 404", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(`${env.server.url}/no/such/page`);
  assert.equal(response.status(), 200, "the SPA is served for client routes");
  await page.getByTestId("not-found").waitFor();

  const api = await context.request.get(`${env.server.url}/api/no-such-thing`, { failOnStatusCode: false });
  assert.equal(api.status(), 404);
  const body = await api.json();
  assert.equal(typeof body.error.code, "string");
  assert.equal(typeof body.error.message, "string");
  await context.close();
});

test("with the network off and then the server gone, a reload still shows the app", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByTestId("course-card").first().waitFor();
  // The worker controls the page once it has precached the shell and claimed its clients.
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  const titles = await page.getByTestId("course-card").allInnerTexts();
  // The worker keeps only the app shell: the catalog offline is the app's, in IndexedDB.
  const cacheNames = await page.evaluate(() => caches.keys());
  assert.deepEqual(cacheNames.filter((name) => name.startsWith("edu-") && !name.startsWith("edu-shell-")), []);

  await context.setOffline(true);
  await page.reload();
  await page.getByTestId("app-header").waitFor();
  assert.equal(await page.getByTestId("online-status").getAttribute("data-online"), "false");
  await page.getByTestId("course-card").first().waitFor();
  assert.deepEqual(await page.getByTestId("course-card").allInnerTexts(), titles, "cached catalog");

  // Even with nothing answering on the port, the shell and client routes come from the cache.
  await env.server.stop();
  await context.setOffline(false);
  await page.goto(`${env.server.url}/courses`);
  await page.getByTestId("app-header").waitFor();
  await page.getByTestId("catalog").waitFor();
  await context.close();
});

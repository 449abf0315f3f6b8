// Accessibility and a quiet console: axe-core (pinned in package.json, injected from node_modules)
// finds no serious or critical violation on any page a visitor or a demo account can open, and an
// anonymous visit logs no console error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { DEMO_PASSWORD, useServerAndBrowser } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const env = useServerAndBrowser();

/** The serious and critical violations axe finds on the page as it is now, one line each. */
async function seriousViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await globalThis.axe.run(document)).violations);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Opens `path` and waits for its content (`testid`) to show. */
async function open(page, path, testid) {
  await page.goto(`${env.server.url}${path}`);
  await page.getByTestId(testid).first().waitFor();
}

async function signIn(page, email) {
  await open(page, "/sign-in", "sign-in");
  await page.locator("form#sign-in [name=email]").fill(email);
  await page.locator("form#sign-in [name=password]").fill(DEMO_PASSWORD);
  await page.locator("form#sign-in [name=password]").press("Enter");
  await page.getByTestId("user-menu").waitFor();
}

const ANONYMOUS = [
  ["/", "course-card"],
  ["/courses", "course-card"],
  ["/courses?language=ru&level=advanced", "catalog-no-match"],
  ["/courses/rust-from-zero", "syllabus"],
  ["/sign-in", "sign-in"],
  ["/sign-up", "sign-up"],
  ["/forgot-password", "forgot-password"],
  ["/reset-password", "reset-password"],
  ["/verify-email", "verify-failed"],
  ["/no-such-page", "not-found"],
  ["/search?q=rust", "search-hit"],
];

/** The address of the first lesson of a demo course (lesson ids are made when the demo loads). */
async function firstLessonPath(slug) {
  const course = await (await fetch(`${env.server.url}/api/courses/${slug}`)).json();
  return `/courses/${slug}/lessons/${course.modules[0].lessons[0].id}`;
}

const SIGNED_IN = [
  ["student@demo.local", [["/account", "account"], ["/teach", "teach"], ["/admin/applications", "forbidden"],
    ["/learning", "learning-empty"],
    ["/learning", "badge-shelf"], ["/courses/rust-from-zero", "enroll"], ["/cards", "card-add"]]],
  ["teacher@demo.local", [["/teach", "teach-courses"]]],
  [
    "admin@demo.local",
    [
      ["/admin/applications", "admin-applications"],
      ["/teach", "teach-admin"],
      ["/admin/categories", "category-row"],
      // Admins may read any lesson.
      [() => firstLessonPath("rust-from-zero"), "lesson-body"],
    ],
  ],
];

// The app's CSP forbids inline script, which is how axe gets in: these contexts bypass it.
test("axe finds no serious violation on the pages an anonymous visitor opens", async () => {
  const context = await env.browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  for (const [path, testid] of ANONYMOUS) {
    await open(page, path, testid);
    assert.deepEqual(await seriousViolations(page), [], path);
  }
  await context.close();
});

test("axe finds no serious violation on the pages each demo account opens", async () => {
  for (const [email, pages] of SIGNED_IN) {
    const context = await env.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, email);
    for (const [where, testid] of pages) {
      const path = typeof where === "function" ? await where() : where;
      await open(page, path, testid);
      assert.deepEqual(await seriousViolations(page), [], `${email} ${path}`);
    }
    await context.close();
  }
});

test("axe finds no serious violation on the authoring pages (course and lesson editors)", async () => {
  const context = await env.browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, "teacher@demo.local");
  const courses = await (await context.request.get(`${env.server.url}/api/teaching/courses`)).json();
  const course = courses[0].id;
  const draft = await (await context.request.get(`${env.server.url}/api/courses/${course}/draft`)).json();
  const lesson = draft.modules[0].lessons[0].id;
  for (const [path, testid] of [
    [`/teach/courses/${course}`, "outline-lesson"],
    [`/teach/courses/${course}/lessons/${lesson}`, "tab-preview"],
  ]) {
    await open(page, path, testid);
    assert.deepEqual(await seriousViolations(page), [], path);
  }
  await page.getByTestId("tab-preview").click();
  await page.locator("[data-testid=preview] .lesson-content").waitFor();
  assert.deepEqual(await seriousViolations(page), [], "lesson preview");
  await context.close();
});

test("an anonymous visit to the catalog logs no console error", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await open(page, "/", "course-card");
  await open(page, "/courses", "course-card");
  // Let late requests (the service worker's install, any probe) finish and be logged.
  await page.waitForLoadState("networkidle");
  assert.deepEqual(errors, []);
  await context.close();
});

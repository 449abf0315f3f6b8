// Learning journeys: reading a lesson (hostile Markdown stays inert, ← / → move between lessons,
// completion survives a reload), the header search with typos in English and Russian, and the
// admins' categories. Test data is made through the API as the demo accounts, as a client would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

const apiAs = apiCallers(env);

/** A browser context signed in as `email` through the sign-in form. */
function signedInPage(email, options = {}) {
  return signedInContext(env, email, options);
}

/** The first lessons of a demo course, by its slug. */
async function demoLessons(slug) {
  const response = await fetch(`${env.server.url}/api/courses/${slug}`);
  assert.equal(response.status, 200);
  const course = await response.json();
  return { course, lessons: course.modules.flatMap((module) => module.lessons) };
}

test("hostile lesson Markdown is inert in the browser; links keep rel=noopener", async () => {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title: "XSS probe course", language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Probes" });
  const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title: "Probe lesson" });
  const markdown = [
    "# Probe",
    "",
    "<script>window.__xss=1</script>",
    "",
    '<img src=x onerror="window.__xss=2">',
    "",
    "[click](javascript:window.__xss=3)",
    "",
    "[an external page](https://example.com/page)",
  ].join("\n");
  await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body: markdown, estimated_minutes: 5 });
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);

  const { context, page } = await signedInPage("student@demo.local");
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`${env.server.url}/courses/${course.id}/lessons/${lesson.id}`);
  const body = page.getByTestId("lesson-body");
  await body.waitFor();
  await page.getByText("an external page").waitFor();
  // Give any handler a chance to fire (a broken image errors at once).
  await page.waitForTimeout(300);
  const links = page.locator('[data-testid="lesson-body"] a');
  if ((await links.filter({ hasText: "click" }).count()) > 0) await links.filter({ hasText: "click" }).click();
  assert.equal(await page.evaluate(() => typeof window.__xss), "undefined", "no injected code ran");
  assert.equal(await body.locator("script").count(), 0, "no script element");
  assert.equal(await body.locator("[onerror]").count(), 0, "no onerror attribute");
  assert.equal(await body.locator('[href^="javascript:" i]').count(), 0, "no javascript: link");
  const external = body.locator('a[href^="https://"]');
  assert.ok((await external.count()) >= 1, "the external link is there");
  for (const rel of await external.evaluateAll((list) => list.map((a) => a.rel))) {
    assert.match(rel, /noopener/, "external links carry rel=noopener");
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("a student moves on with →, marks the lesson complete and it stays complete after a reload; a course they are not in is explained", async () => {
  const { lessons } = await demoLessons("rust-from-zero");
  assert.ok(lessons.length >= 2);
  const [first, second] = lessons;
  const student = await apiAs("student@demo.local");
  await student("POST", "/api/courses/rust-from-zero/enrollment");

  const { context, page } = await signedInPage("student@demo.local");
  await page.goto(`${env.server.url}/courses/rust-from-zero/lessons/${first.id}`);
  await page.getByTestId("lesson-title").filter({ hasText: first.title }).waitFor();
  await page.getByTestId("lesson-outline").waitFor();
  const current = page.locator('[data-testid="outline-lesson"].is-current');
  assert.equal(await current.getAttribute("data-lesson"), first.id, "the outline marks the current lesson");

  // While typing in the search box the arrows belong to the box.
  await page.getByTestId("header-search").focus();
  await page.keyboard.press("ArrowRight");
  await page.waitForTimeout(200);
  assert.ok(page.url().endsWith(first.id), "no navigation while typing");
  await page.getByTestId("lesson-title").click();
  await page.keyboard.press("ArrowRight");
  await page.waitForURL((url) => url.pathname.endsWith(`/lessons/${second.id}`));
  await page.getByTestId("lesson-title").filter({ hasText: second.title }).waitFor();

  const button = page.getByTestId("mark-complete");
  assert.equal(await button.innerText(), "Mark complete");
  await button.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="mark-complete"]')?.textContent === "Completed ✓");
  const done = page.locator(`[data-testid="outline-lesson"][data-lesson="${second.id}"]`);
  assert.equal(await done.getAttribute("data-completed"), "true");

  await page.reload();
  await page.getByTestId("lesson-title").filter({ hasText: second.title }).waitFor();
  await page.locator(`[data-testid="outline-lesson"][data-lesson="${second.id}"][data-completed="true"]`).waitFor();
  assert.equal(await page.getByTestId("mark-complete").innerText(), "Completed ✓");
  assert.equal(
    await page.locator(`[data-testid="outline-lesson"][data-lesson="${first.id}"]`).getAttribute("data-completed"),
    "false",
    "only the completed lesson is checked",
  );

  // ← goes back.
  await page.getByTestId("lesson-title").click();
  await page.keyboard.press("ArrowLeft");
  await page.waitForURL((url) => url.pathname.endsWith(`/lessons/${first.id}`));

  // Back on the course page (an in-app link): the syllabus checks the completed lesson, its
  // titles open the lessons, and "Continue learning" leads to the first lesson not completed.
  await page.getByTestId("lesson-course").click();
  await page.waitForURL((url) => url.pathname === "/courses/rust-from-zero");
  await page.locator('[data-testid="syllabus-lesson"][data-done="true"]').first().waitFor();
  assert.equal(await page.locator('[data-testid="syllabus-lesson"][data-done="true"]').count(), 1);
  const checked = page.locator('[data-testid="syllabus-lesson"][data-done="true"] a');
  assert.equal(await checked.getAttribute("href"), `/courses/rust-from-zero/lessons/${second.id}`);
  assert.equal(
    await page.getByTestId("continue-learning").getAttribute("href"),
    `/courses/rust-from-zero/lessons/${first.id}`,
    "the first lesson is still to do",
  );
  await page.getByTestId("continue-learning").click();
  await page.getByTestId("lesson-title").filter({ hasText: first.title }).waitFor();

  // A course the student is not enrolled in: the page says why and links to the course page.
  const { lessons: other } = await demoLessons("linear-algebra-for-programmers");
  await page.goto(`${env.server.url}/courses/linear-algebra-for-programmers/lessons/${other[0].id}`);
  await page.getByTestId("lesson-unavailable").waitFor();
  assert.equal(await page.getByTestId("lesson-course-link").getAttribute("href"), "/courses/linear-algebra-for-programmers");
  await context.close();
});

test("header search: / focuses it, a typo still finds lessons with marked words, Russian finds the Russian course", async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByTestId("course-card").first().waitFor();
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "header-search", "/ focuses the search box");
  await page.keyboard.type("borowing");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "borowing");
  await page.getByTestId("search-hit").first().waitFor();
  const mark = page.locator('[data-testid="search-snippet"] mark').first();
  await mark.waitFor();
  assert.ok(await mark.isVisible(), "a matched word is highlighted");
  assert.doesNotMatch(await page.getByTestId("search-results").innerText(), /<\/?mark>/, "no markup shown as text");
  const href = await page.locator('[data-testid="search-hit"] h2 a').first().getAttribute("href");
  assert.match(href, /^\/courses\//);

  await page.getByTestId("header-search").fill("владенние");
  await page.getByTestId("header-search").press("Enter");
  await page.locator('[data-testid="search-hit"][data-language="ru"]').first().waitFor();

  // The language filter keeps only English hits.
  await page.getByTestId("header-search").fill("data");
  await page.getByTestId("header-search").press("Enter");
  await page.getByTestId("search-hit").first().waitFor();
  await page.getByTestId("search-language").selectOption("en");
  await page.waitForURL((url) => url.searchParams.get("language") === "en");
  await page.getByTestId("search-hit").first().waitFor();
  const languages = await page.getByTestId("search-hit").evaluateAll((list) => list.map((li) => li.dataset.language));
  assert.ok(languages.length > 0 && languages.every((code) => code === "en"), String(languages));

  await page.getByTestId("header-search").fill("zzqxwv");
  await page.getByTestId("header-search").press("Enter");
  await page.getByTestId("search-empty").waitFor();
  assert.match(await page.getByTestId("search-empty").innerText(), /Nothing found for “zzqxwv”/);

  await page.goto(`${env.server.url}/search?q=${"a".repeat(201)}`);
  await page.getByTestId("search-too-long").waitFor();
  await context.close();
});

test("an admin adds, renames and deletes a category; a category in use is refused with a reason", async () => {
  const { context, page } = await signedInPage("admin@demo.local");
  await page.getByTestId("user-menu").click();
  await page.getByTestId("nav-categories").click();
  await page.getByTestId("category-list").waitFor();

  await page.getByTestId("new-category-submit").click();
  assert.notEqual((await page.locator("#new-category-slug-error").innerText()).trim(), "", "an empty slug is flagged");

  await page.getByTestId("new-category-slug").fill("e2e-testing");
  await page.getByTestId("new-category-name-en").fill("E2E testing");
  await page.getByTestId("new-category-name-ru").fill("Сквозные тесты");
  await page.getByTestId("new-category-submit").click();
  const row = page.locator('[data-testid="category-row"][data-slug="e2e-testing"]');
  await row.waitFor();
  assert.match(await page.getByTestId("categories-done").innerText(), /E2E testing/);

  await row.getByTestId("category-rename").click();
  await page.getByTestId("edit-category-name-en").fill("End-to-end testing");
  await page.getByTestId("edit-category-submit").click();
  await row.getByText("End-to-end testing").waitFor();

  await row.getByTestId("category-delete").click();
  await row.getByTestId("category-confirm-delete").click();
  await row.waitFor({ state: "detached" });

  const used = page.locator('[data-testid="category-row"][data-slug="programming"]');
  await used.getByTestId("category-delete").click();
  await used.getByTestId("category-confirm-delete").click();
  await page.getByTestId("categories-failed").getByText("is used by a course").waitFor();
  assert.equal(await used.count(), 1, "the category in use stays");
  await context.close();
});

test("the lesson and search pages speak Russian", async () => {
  const { lessons } = await demoLessons("sql-za-nedeliu");
  const student = await apiAs("student@demo.local");
  await student("POST", "/api/courses/sql-za-nedeliu/enrollment");
  const { context, page } = await signedInPage("student@demo.local", { locale: "ru-RU" });
  // The second lesson: the first ends with a quiz, which completes it instead of a button.
  await page.goto(`${env.server.url}/courses/sql-za-nedeliu/lessons/${lessons[1].id}`);
  await page.getByTestId("lesson-title").waitFor();
  // The account's own language wins over the browser's: switch as a user would.
  await page.getByTestId("locale-switch").selectOption("ru");
  await page.waitForFunction(() => document.documentElement.lang === "ru");
  assert.equal(await page.getByTestId("mark-complete").innerText(), "Отметить как пройденный");
  assert.match(await page.getByTestId("lesson-page").innerText(), /Урок 2 из \d+/);
  assert.match(await page.getByRole("search").getAttribute("aria-label"), /[а-яё]/i);

  await page.getByTestId("header-search").fill("индекс");
  await page.getByTestId("header-search").press("Enter");
  await page.getByTestId("search-hit").first().waitFor();
  assert.match(await page.getByTestId("search-page").innerText(), /Результаты по запросу «индекс»/);
  assert.match(await page.getByTestId("search-language").innerText(), /Все языки/);
  await context.close();
});

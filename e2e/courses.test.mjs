// The learner's course pages: filtering the catalog (kept in the address), a course page with its
// syllabus and the action that fits the visitor, enrolling, "My learning", writing, editing and
// deleting a review, a paid course "coming soon", and the course page in Russian.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_PASSWORD, signInWithForm, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

/** Polls `check` (an async function returning a truthy value) until it holds, or fails with `what`. */
async function eventually(what, check, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) assert.fail(`${what} (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The demo catalog as the API lists it, by slug. */
async function demoCourses() {
  const response = await fetch(`${env.server.url}/api/courses?limit=100`);
  const page = await response.json();
  return Object.fromEntries(page.items.map((course) => [course.slug, course]));
}

async function cardSlugs(page) {
  return page.getByTestId("course-card").evaluateAll((cards) => cards.map((c) => c.dataset.slug).sort());
}

/** Signs in on the sign-in page the page is showing. */
function signIn(page, email) {
  return signInWithForm(page, email);
}

/** A bearer token for a demo account, for setting up data through the API. */
async function apiToken(email) {
  const response = await fetch(`${env.server.url}/api/auth/sign-in`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  assert.equal(response.status, 200, "demo sign-in");
  return (await response.json()).token;
}

async function api(token, method, path, body) {
  const response = await fetch(`${env.server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Publishes a paid course of the demo teacher, with one module and one lesson. */
async function createPaidCourse(title) {
  const token = await apiToken("teacher@demo.local");
  const draft = await api(token, "POST", "/api/courses", { title, language: "en", level: "beginner" });
  await api(token, "PATCH", `/api/courses/${draft.id}`, {
    subtitle: "Worth every cent",
    description: "A course that costs money.",
    price: { amount_minor: 1900, currency: "USD" },
  });
  const module = await api(token, "POST", `/api/courses/${draft.id}/modules`, { title: "Only module" });
  await api(token, "POST", `/api/courses/${draft.id}/modules/${module.id}/lessons`, { title: "Only lesson" });
  await api(token, "PUT", `/api/courses/${draft.id}/status`, { status: "published" });
  return draft;
}

test("an anonymous visitor filters the catalog, keeps the filters on reload and Back, and resets them", async () => {
  const courses = await demoCourses();
  const russian = Object.values(courses).filter((c) => c.language === "ru").map((c) => c.slug).sort();
  assert.equal(russian.length, 2, "two Russian demo courses");
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/courses`);
  await page.getByTestId("course-card").first().waitFor();
  const all = await cardSlugs(page);

  // Cards show price, rating and learners, and link to the course page.
  const card = page.getByTestId("course-card").first();
  assert.match(await card.getByTestId("course-price").innerText(), /Free$/);
  assert.match(await card.getByTestId("rating").innerText(), /No ratings yet/);
  assert.match(await card.getByTestId("course-learners").innerText(), /\d+ learners?/);

  const filters = page.getByTestId("catalog-filters");
  await filters.getByLabel("Language").selectOption("ru");
  await page.waitForURL(/\/courses\?language=ru$/);
  await eventually("only Russian courses", async () => JSON.stringify(await cardSlugs(page)) === JSON.stringify(russian));

  await page.reload();
  await eventually("still only Russian after reload", async () => JSON.stringify(await cardSlugs(page)) === JSON.stringify(russian));
  assert.equal(await filters.getByLabel("Language").inputValue(), "ru", "the filter shows its value after reload");

  // No Russian course is advanced: the empty state says so and offers a reset.
  await filters.getByLabel("Level").selectOption("advanced");
  await page.getByTestId("catalog-no-match").waitFor();
  assert.match(await page.getByTestId("catalog-no-match").innerText(), /No course matches/);

  await page.goBack();
  await eventually("Back restores the Russian list", async () => JSON.stringify(await cardSlugs(page)) === JSON.stringify(russian));
  await page.goForward();
  await page.getByTestId("catalog-no-match").waitFor();

  await page.getByTestId("reset-filters-empty").click();
  await page.waitForURL(/\/courses$/);
  await eventually("every course again", async () => JSON.stringify(await cardSlugs(page)) === JSON.stringify(all));
  assert.equal(await filters.getByLabel("Language").inputValue(), "");

  // Sorting keeps the same courses.
  await filters.getByLabel("Sort by").selectOption("most_enrolled");
  await page.waitForURL(/sort=most_enrolled/);
  await eventually("sorted list", async () => JSON.stringify(await cardSlugs(page)) === JSON.stringify(all));
  await context.close();
});

test("an anonymous visitor opens a course page and sees the syllabus and a way to sign in to enroll", async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/courses`);
  await page.getByRole("link", { name: "Rust from zero" }).click();
  await page.waitForURL(/\/courses\/rust-from-zero$/);
  await page.getByTestId("course-page").waitFor();
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Rust from zero");
  assert.equal(await page.title(), "Rust from zero · EduPlatform");
  assert.match(await page.getByTestId("course-teacher").innerText(), /^By /);
  assert.ok((await page.getByTestId("syllabus-module").count()) >= 1, "modules are listed");
  assert.ok((await page.getByTestId("syllabus-lesson").count()) >= 2, "lessons are listed");
  assert.match(await page.getByTestId("syllabus-totals").innerText(), /\d+ modules? · \d+ lessons? · /);
  assert.ok((await page.getByTestId("course-description").innerText()).length > 20, "description shown");

  const signIn = page.getByRole("link", { name: "Sign in to enroll" });
  assert.equal(await signIn.getAttribute("href"), "/sign-in?next=%2Fcourses%2Frust-from-zero");
  assert.equal(await page.getByTestId("enroll").count(), 0);
  await page.getByTestId("reviews-empty").waitFor();

  await page.goto(`${env.server.url}/courses/no-such-course`);
  await page.getByTestId("course-error").waitFor();
  await context.close();
});

test("a student enrolls in a free course, finds it in My learning, and writes, edits and deletes a review", async () => {
  const courses = await demoCourses();
  const slug = Object.values(courses).find((c) => c.title.startsWith("How memory works"))?.slug;
  assert.ok(slug, "the demo course exists");
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/courses/${slug}`);
  await page.getByRole("link", { name: "Sign in to enroll" }).click();
  await page.waitForURL(/\/sign-in\?next=/);
  await signIn(page, "student@demo.local");
  await page.waitForURL(new RegExp(`/courses/${slug}$`));

  // My learning starts empty.
  await page.getByTestId("nav-learning").click();
  await page.getByTestId("learning-empty").waitFor();
  await page.goBack();

  await page.getByRole("button", { name: "Enroll for free" }).click();
  const start = page.getByRole("link", { name: "Start learning" });
  await start.waitFor();
  assert.match(await start.getAttribute("href"), new RegExp(`^/courses/${slug}/lessons/[0-9a-f-]+$`));
  await eventually("the learner is counted", async () => (await page.getByTestId("course-learners").innerText()).includes("1 learner"));

  await page.getByTestId("nav-learning").click();
  await page.getByTestId("learning").waitFor();
  const entry = page.getByTestId("learning-course");
  await entry.first().waitFor();
  assert.equal(await entry.count(), 1);
  assert.equal(await entry.getAttribute("data-slug"), slug);
  await entry.getByRole("link", { name: /Continue learning/ }).click();
  await page.getByTestId("course-page").waitFor();
  await page.getByRole("link", { name: "Continue learning" }).waitFor();

  // Stars are required; the picker is a radio group the keyboard drives.
  await page.getByTestId("write-review").click();
  const form = page.getByTestId("review-form");
  await form.getByRole("button", { name: "Publish review" }).click();
  assert.match(await page.getByTestId("review-problem").innerText(), /1 to 5 stars/);
  await form.locator("label[for=review-stars-5]").click();
  await page.keyboard.press("ArrowLeft");
  assert.equal(await form.getByRole("radio", { name: "4 stars" }).isChecked(), true, "arrow key moved to 4");
  await form.getByLabel("What did you think? (optional)").fill("Clear and practical.");
  await form.getByRole("button", { name: "Publish review" }).click();
  await page.getByTestId("my-review").waitFor();
  assert.match(await page.getByTestId("review-notice").innerText(), /published/);
  const summary = page.getByTestId("reviews-summary");
  await eventually("average 4.0 of one rating", async () =>
    (await summary.innerText()).includes("4.0") && (await summary.innerText()).includes("(1 rating)"));
  await eventually("the review is listed", async () => (await page.getByTestId("review").count()) === 1);
  assert.match(await page.getByTestId("review").innerText(), /Clear and practical\./);
  assert.equal(await page.getByTestId("review").getByRole("img").getAttribute("aria-label"), "4 stars");

  // The course's teacher replies, once.
  const teacher = await env.browser.newContext({ locale: "en-US" });
  const teacherPage = await teacher.newPage();
  await teacherPage.goto(`${env.server.url}/sign-in?next=/courses/${slug}`);
  await signIn(teacherPage, "teacher@demo.local");
  await teacherPage.getByTestId("course-page").waitFor();
  assert.equal(await teacherPage.getByTestId("edit-course").getAttribute("href"), `/teach/courses/${courses[slug].id}`);
  await teacherPage.getByTestId("reply").click();
  await teacherPage.getByLabel("Your reply").fill("Thank you for learning with us!");
  await teacherPage.getByRole("button", { name: "Publish reply" }).click();
  await teacherPage.getByTestId("review-reply").waitFor();
  assert.equal(await teacherPage.getByTestId("reply").count(), 0, "no second reply");
  await teacher.close();

  await page.reload();
  await page.getByTestId("review-reply").waitFor();

  await page.getByTestId("edit-review").click();
  await page.getByTestId("review-form").locator("label[for=review-stars-2]").click();
  await page.getByRole("button", { name: "Publish review" }).click();
  await eventually("average 2.0", async () => (await summary.innerText()).includes("2.0"));
  assert.equal(await page.getByTestId("review").count(), 1, "still one review");

  await page.getByTestId("delete-review").click();
  await page.getByTestId("reviews-empty").waitFor();
  assert.match(await page.getByTestId("review-notice").innerText(), /deleted/);
  await eventually("no ratings again", async () => (await summary.innerText()).includes("No ratings yet"));
  await page.getByTestId("write-review").waitFor();
  await context.close();
});

test("a paid course shows its price and 'coming soon' instead of Enroll", async () => {
  const course = await createPaidCourse("Premium patterns");
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/courses?price=paid`);
  await eventually("only the paid course", async () =>
    JSON.stringify(await cardSlugs(page)) === JSON.stringify([course.slug]));
  assert.match(await page.getByTestId("course-card").getByTestId("course-price").innerText(), /\$19\.00$/);

  await page.goto(`${env.server.url}/sign-in?next=/courses/${course.slug}`);
  await signIn(page, "student@demo.local");
  await page.getByTestId("course-page").waitFor();
  await page.getByTestId("coming-soon").waitFor();
  assert.match(await page.getByTestId("coming-soon").innerText(), /Coming soon/);
  assert.match(await page.getByTestId("course-action").getByTestId("course-price").innerText(), /\$19\.00$/);
  assert.equal(await page.getByRole("button", { name: "Enroll for free" }).count(), 0);
  await context.close();
});

test("the course page speaks Russian: syllabus, sign in, enroll, review", async () => {
  const context = await env.browser.newContext({ locale: "ru-RU" });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/courses`);
  await page.getByTestId("catalog-filters").getByLabel("Язык").selectOption("ru");
  await page.waitForURL(/language=ru/);
  await page.getByRole("link", { name: "SQL за неделю" }).click();
  await page.getByTestId("course-page").waitFor();
  assert.equal(await page.getByRole("heading", { level: 2, name: "Программа курса" }).count(), 1);
  assert.equal(await page.getByRole("heading", { level: 2, name: "О курсе" }).count(), 1);
  assert.equal(await page.getByRole("heading", { level: 2, name: "Отзывы" }).count(), 1);
  assert.match(await page.getByTestId("syllabus-totals").innerText(), /урок/);
  assert.match(await page.getByTestId("course-price").innerText(), /Бесплатно/);
  await page.getByRole("link", { name: "Войдите, чтобы записаться" }).click();
  await signIn(page, "student@demo.local");
  await page.getByTestId("course-page").waitFor();
  // The demo student's saved language is English: they choose Russian in the header.
  await page.getByTestId("locale-switch").selectOption("ru");
  await page.getByRole("heading", { level: 2, name: "Программа курса" }).waitFor();
  await page.getByRole("button", { name: "Записаться бесплатно" }).click();
  await page.getByRole("link", { name: "Начать обучение" }).waitFor();
  await page.getByRole("button", { name: "Написать отзыв" }).click();
  await page.getByTestId("review-form").locator("label[for=review-stars-5]").click();
  assert.equal(await page.getByRole("radio", { name: "5 звёзд" }).isChecked(), true);
  await page.getByRole("button", { name: "Опубликовать отзыв" }).click();
  await page.getByTestId("my-review").waitFor();
  const summary = page.getByTestId("reviews-summary");
  await eventually("Russian average and count", async () =>
    (await summary.innerText()).includes("5,0") && (await summary.innerText()).includes("(1 оценка)"));
  await page.getByRole("link", { name: "Моё обучение" }).click();
  await page.getByRole("heading", { level: 1, name: "Моё обучение" }).waitFor();
  await page.getByTestId("learning-course").first().waitFor();
  await context.close();
});

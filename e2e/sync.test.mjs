// Two devices of one learner, as two browser contexts: one downloads a course and goes offline
// (`context.setOffline(true)`) and completes lessons there, the other completes another lesson
// online; once the first is back online, both show the union of the completions, with nothing
// lost and no device "winning". Test data is made through the API as the demo accounts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

const apiAs = apiCallers(env);

/** A published course of four text lessons the demo student is enrolled in. */
async function fourLessonCourse() {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title: "Two devices, one learner", language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Everywhere" });
  const lessons = [];
  for (const n of [1, 2, 3, 4]) {
    const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title: `Device lesson ${n}` });
    await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body: `# Lesson ${n}\n\nRead me anywhere.`, estimated_minutes: 3 });
    lessons.push(lesson);
  }
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);
  return { course, lessons };
}

/** A device: a browser context signed in as the demo student through the sign-in form. */
async function device() {
  const errors = [];
  const { context, page } = await signedInContext(env, "student@demo.local", {}, (page) =>
    page.on("pageerror", (error) => errors.push(String(error))),
  );
  return { context, page, errors };
}

/** Opens a lesson and marks it complete. */
async function complete(page, course, lesson) {
  await page.goto(`${env.server.url}/courses/${course.slug}/lessons/${lesson.id}`);
  await page.getByTestId("lesson-title").filter({ hasText: lesson.title }).waitFor();
  await page.getByTestId("mark-complete").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="mark-complete"]')?.textContent === "Completed ✓");
}

/** The titles of the lessons the course page checks as done. */
async function doneOnCoursePage(page) {
  await page.getByTestId("syllabus").waitFor();
  return (await page.locator('[data-testid="syllabus-lesson"][data-done="true"]').allInnerTexts())
    .map((text) => text.match(/Device lesson \d/)?.[0])
    .sort();
}

/** Reloads the course page until it checks exactly `expected` (syncing runs on load and reconnect). */
async function waitForDone(page, course, expected, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let seen;
  for (;;) {
    await page.goto(`${env.server.url}/courses/${course.slug}`);
    await page.getByTestId("course-title").waitFor();
    // Give the sync round started by the load a moment to bring the other device's events.
    await page.waitForTimeout(1_000);
    seen = await doneOnCoursePage(page);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) assert.deepEqual(seen, expected, "the course page's checkmarks");
  }
}

test("one device offline and one online complete different lessons; after reconnecting both show the union", async () => {
  const { course, lessons } = await fourLessonCourse();
  const laptop = await device();
  const phone = await device();

  // The laptop downloads the course while online (and the service worker takes the shell).
  await laptop.page.goto(`${env.server.url}/courses/${course.slug}`);
  await laptop.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  await laptop.page.getByTestId("offline-download").click();
  await laptop.page.getByTestId("offline-available").waitFor({ timeout: 30_000 });

  // On the train: the laptop has no network and completes lessons 1 and 2 from the downloaded copy.
  await laptop.context.setOffline(true);
  await complete(laptop.page, course, lessons[0]);
  await laptop.page.getByTestId("offline-copy").waitFor();
  await complete(laptop.page, course, lessons[1]);

  // Meanwhile the phone, online, completes lesson 3.
  await complete(phone.page, course, lessons[2]);
  await waitForDone(phone.page, course, ["Device lesson 3"]);

  // Still offline, the laptop shows its own two (nothing was lost to the missing network).
  await laptop.page.goto(`${env.server.url}/courses/${course.slug}`);
  await laptop.page.getByTestId("offline-copy").waitFor();
  assert.deepEqual(await doneOnCoursePage(laptop.page), ["Device lesson 1", "Device lesson 2"]);

  // Home again: the laptop reconnects and syncs; both devices end with all three.
  await laptop.context.setOffline(false);
  const union = ["Device lesson 1", "Device lesson 2", "Device lesson 3"];
  await waitForDone(laptop.page, course, union);
  await waitForDone(phone.page, course, union);

  // "My learning" agrees on both (it reads the local documents, so it is right offline too).
  for (const { page } of [laptop, phone]) {
    await page.goto(`${env.server.url}/learning`);
    const progress = page.locator(`[data-testid="learning-course"][data-slug="${course.slug}"] [data-testid="course-progress"]`);
    await progress.waitFor();
    assert.equal(await progress.getAttribute("data-done"), "3");
    assert.equal(await progress.getAttribute("data-total"), "4");
  }

  assert.deepEqual(laptop.errors, []);
  assert.deepEqual(phone.errors, []);
  await laptop.context.close();
  await phone.context.close();
});

// Offline use of a downloaded course: a student downloads a course (the progress bar reaches the
// end, then "Available offline" with its size), the network goes away, and after a reload the app
// shell comes from the service worker while the course page, its lessons and their images come from
// IndexedDB ("Offline copy"); removing the download frees what it kept. Test data is made through
// the API as the demo accounts, as a client would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

/** A real 1×1 PNG (the same bytes as the server's media tests). */
const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

const apiAs = apiCallers(env);

/** A published course of three lessons, two of them showing the same uploaded image. */
async function courseWithImages(title) {
  const teacher = await apiAs("teacher@demo.local");
  const image = await teacher("POST", "/api/media", PNG_1X1, { raw: true });
  const course = await teacher("POST", "/api/courses", { title, language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "On the train" });
  const bodies = [
    `# Reading with no signal\n\nThe first lesson shows a picture.\n\n![a map](${image.url})`,
    "# Second lesson\n\nText only: nothing to fetch but the words.",
    `# Third lesson\n\nThe same picture again, kept once.\n\n![the map again](${image.url})`,
  ];
  const lessons = [];
  for (const [index, body] of bodies.entries()) {
    const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, {
      title: `Offline lesson ${index + 1}`,
    });
    await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body, estimated_minutes: 5 });
    lessons.push(lesson);
  }
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);
  return { course, lessons, image };
}

/** A browser context signed in as the demo student through the sign-in form. */
function studentPage(options = {}) {
  return signedInContext(env, "student@demo.local", options);
}

/**
 * The demo student on `course`'s page once the service worker controls it (one online visit is
 * enough: the worker precaches the shell and takes over the page), with the page's errors collected.
 */
async function coursePageInControl(course) {
  const { context, page } = await studentPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`${env.server.url}/courses/${course.slug}`);
  await page.getByTestId("enrolled-note").waitFor();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  return { context, page, errors };
}

/** How many records each offline object store of the app's databases holds (every `eduplatform*`). */
async function offlineRecords(page) {
  return page.evaluate(async () => {
    const counts = { offline_courses: 0, offline_lessons: 0, offline_media: 0 };
    const names = (await indexedDB.databases()).map((db) => db.name).filter((name) => name.startsWith("eduplatform"));
    for (const name of names) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Object.keys(counts)) {
        if (!db.objectStoreNames.contains(store)) continue;
        counts[store] += await new Promise((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).count();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      db.close();
    }
    return counts;
  });
}

/** The pixel widths of the lesson body's images, once every one is loaded from a kept copy. */
async function shownImageWidths(page) {
  await page.waitForFunction(() => {
    const images = [...document.querySelectorAll('[data-testid="lesson-body"] img')];
    return images.length > 0 && images.every((img) => img.src.startsWith("blob:") && img.complete && img.naturalWidth > 0);
  }, null, { timeout: 10_000 });
  return page.$$eval('[data-testid="lesson-body"] img', (images) => images.map((img) => img.naturalWidth));
}

test("the download offer, its progress and its size read in Russian", async () => {
  const { course } = await courseWithImages("Полевой справочник офлайн");
  const { context, page } = await studentPage();
  await page.goto(`${env.server.url}/courses/${course.slug}`);
  await page.getByTestId("locale-switch").selectOption("ru");
  assert.equal(await page.getByTestId("offline-download").innerText(), "Скачать для офлайна");
  await page.getByTestId("offline-download").click();
  const available = page.getByTestId("offline-available");
  await available.waitFor({ timeout: 30_000 });
  assert.match(await available.innerText(), /^Доступен офлайн · \d+(,\d)? (Б|КБ|МБ)$/);
  await page.getByTestId("offline-remove").click();
  await page.getByTestId("offline-download").waitFor();
  await context.close();
});

test("a downloaded course, its lessons and their images read offline after a reload from the service worker; Remove frees them", async () => {
  const { course, lessons } = await courseWithImages("Offline field guide");
  const { context, page, errors } = await coursePageInControl(course);

  // Every state the progress bar shows on the way, recorded as it changes.
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="offline-progress"]');
      if (bar) window.__progress.push([Number(bar.getAttribute("value")), Number(bar.getAttribute("max"))]);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByTestId("offline-download").click();
  const available = page.getByTestId("offline-available");
  await available.waitFor({ timeout: 30_000 });
  assert.match(await available.innerText(), /^Available offline · \d+(\.\d)? (B|KB|MB)$/);
  const bytes = Number(await available.getAttribute("data-bytes"));
  assert.ok(bytes > PNG_1X1.length, `the download takes ${bytes} bytes, the image included`);
  const seen = await page.evaluate(() => window.__progress);
  assert.ok(seen.length > 0, "a progress bar was shown");
  assert.deepEqual(seen.at(-1), [lessons.length, lessons.length], "the progress bar reached the end");
  await page.getByTestId("offline-remove").waitFor();
  assert.deepEqual(await offlineRecords(page), { offline_courses: 1, offline_lessons: 3, offline_media: 1 });

  // No network: the reload's shell comes from the worker, the course from IndexedDB.
  await context.setOffline(true);
  await page.reload();
  await page.getByTestId("app-header").waitFor();
  await page.getByTestId("offline-copy").waitFor();
  assert.equal(await page.getByTestId("course-title").innerText(), course.title);
  assert.equal(await page.getByTestId("syllabus-lesson").count(), lessons.length);
  await page.getByTestId("offline-available").waitFor();

  // Into the first lesson by the syllabus link: text and image from the kept copy.
  await page.locator('[data-testid="syllabus-lesson"] a').first().click();
  await page.getByTestId("lesson-title").filter({ hasText: "Offline lesson 1" }).waitFor();
  await page.getByTestId("offline-copy").waitFor();
  assert.match(await page.getByTestId("lesson-body").innerText(), /The first lesson shows a picture/);
  assert.deepEqual(await shownImageWidths(page), [1], "the kept 1×1 PNG is shown");
  await page.getByTestId("lesson-outline").waitFor();

  // A lesson opened straight from its address, offline, with the browser's memory cleared by a reload.
  await page.goto(`${env.server.url}/courses/${course.slug}/lessons/${lessons[2].id}`);
  await page.getByTestId("lesson-title").filter({ hasText: "Offline lesson 3" }).waitFor();
  assert.deepEqual(await shownImageWidths(page), [1], "the kept 1×1 PNG is shown");
  await page.getByTestId("lesson-prev").click();
  await page.getByTestId("lesson-title").filter({ hasText: "Offline lesson 2" }).waitFor();
  assert.match(await page.getByTestId("lesson-body").innerText(), /Text only/);

  // Remove (it works offline too: it only forgets): everything the download kept is gone.
  await page.goto(`${env.server.url}/courses/${course.slug}`);
  await page.getByTestId("offline-remove").click();
  await page.getByTestId("offline-download").waitFor();
  assert.deepEqual(await offlineRecords(page), { offline_courses: 0, offline_lessons: 0, offline_media: 0 });
  await page.reload();
  await page.getByTestId("course-error").waitFor();
  await page.goto(`${env.server.url}/courses/${course.slug}/lessons/${lessons[0].id}`);
  await page.getByTestId("lesson-error").waitFor();

  assert.deepEqual(errors, []);
  await context.close();
});

/** A real 2×1 PNG (a red and a blue pixel): other bytes, so another media path. */
const PNG_2X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==",
  "base64",
);

/** The `src` and pixel width of the images under `selector`, once every one is loaded from a kept copy. */
async function keptImages(page, selector) {
  await page.waitForFunction((selector) => {
    const images = [...document.querySelectorAll(selector)];
    return images.length > 0 && images.every((img) => img.src.startsWith("blob:") && img.complete && img.naturalWidth > 0);
  }, selector, { timeout: 10_000 });
  return page.$$eval(selector, (images) => images.map((img) => img.naturalWidth));
}

test("a downloaded course's cover and description images show offline, and a copy the teacher changed is downloaded again", async () => {
  const { course, lessons, image } = await courseWithImages("Offline atlas");
  const teacher = await apiAs("teacher@demo.local");
  const cover = await teacher("POST", "/api/media", PNG_2X1, { raw: true });
  await teacher("PATCH", `/api/courses/${course.id}`, {
    cover: cover.hash,
    description: `An atlas for the train.\n\n![the route](${image.url})`,
  });
  const { context, page, errors } = await coursePageInControl(course);
  await page.getByTestId("offline-download").click();
  await page.getByTestId("offline-available").waitFor({ timeout: 30_000 });
  // The cover and the description's image are kept beside the lessons' one (shared, so kept once).
  assert.deepEqual(await offlineRecords(page), { offline_courses: 1, offline_lessons: 3, offline_media: 2 });

  // Offline, the cover and the description's image come from the kept bytes, on the course page
  // and on My learning; no broken image anywhere. (The browser's HTTP cache would show the cover
  // by itself, as media are immutable: emptied here, as a browser may have done meanwhile.)
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.clearBrowserCache");
  await context.setOffline(true);
  await page.reload();
  await page.getByTestId("offline-copy").waitFor();
  assert.deepEqual(await keptImages(page, ".course-hero__cover img"), [2], "the kept 2×1 cover");
  assert.deepEqual(await keptImages(page, '[data-testid="course-description"] img'), [1], "the kept 1×1 image");
  await page.goto(`${env.server.url}/learning`);
  const card = page.locator(".course-cover").filter({ has: page.locator('img[src^="blob:"]') });
  await card.first().waitFor({ timeout: 10_000 });
  assert.equal(
    await page.$$eval(".course-cover img", (images) => images.filter((img) => img.complete && img.naturalWidth === 0).length),
    0,
    "no broken cover: a course not downloaded shows its initial instead",
  );

  // Back online, the teacher changes a lesson and removes another: the copy is out of date.
  await context.setOffline(false);
  await teacher("PATCH", `/api/courses/${course.id}/lessons/${lessons[1].id}/draft`, {
    body: "# Second lesson\n\nRewritten while the learner was away.",
    estimated_minutes: 5,
  });
  await teacher("DELETE", `/api/courses/${course.id}/lessons/${lessons[2].id}`);
  // Opening the course page fetches the copy again by itself.
  await page.goto(`${env.server.url}/courses/${course.slug}`);
  await page.getByTestId("enrolled-note").waitFor();
  await page.getByTestId("offline-available").waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    async () => {
      const names = (await indexedDB.databases()).map((db) => db.name).filter((name) => name.startsWith("eduplatform-"));
      for (const name of names) {
        const db = await new Promise((resolve) => { const r = indexedDB.open(name); r.onsuccess = () => resolve(r.result); });
        if (!db.objectStoreNames.contains("offline_lessons")) { db.close(); continue; }
        const count = await new Promise((resolve) => { const r = db.transaction("offline_lessons").objectStore("offline_lessons").count(); r.onsuccess = () => resolve(r.result); });
        db.close();
        if (count === 2) return true;
      }
      return false;
    },
    null,
    { timeout: 30_000 },
  );
  assert.deepEqual(await offlineRecords(page), { offline_courses: 1, offline_lessons: 2, offline_media: 2 });

  // Offline again: the rewritten lesson reads as the teacher left it, and the removed one is gone.
  await context.setOffline(true);
  await page.goto(`${env.server.url}/courses/${course.slug}/lessons/${lessons[1].id}`);
  await page.getByTestId("offline-copy").waitFor();
  assert.match(await page.getByTestId("lesson-body").innerText(), /Rewritten while the learner was away/);
  await page.goto(`${env.server.url}/courses/${course.slug}`);
  await page.getByTestId("offline-copy").waitFor();
  assert.equal(await page.getByTestId("syllabus-lesson").count(), 2);

  assert.deepEqual(errors, []);
  await context.close();
});

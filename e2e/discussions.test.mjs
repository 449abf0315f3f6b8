// Lesson discussions end to end: a learner asks under a lesson in English; the teacher, whose
// browser speaks Russian, replies and marks the reply as the answer; the learner sees it marked;
// a `<script>` or an `onerror` in a post never runs; offline the forms are disabled with
// "Posting needs a connection" while the loaded threads stay readable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();
const apiAs = apiCallers(env);

/** A published course of one lesson, the demo student enrolled. */
async function publishedCourse(title) {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title, language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Basics" });
  const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title: "Loops" });
  await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body: "# Loops\n\nRepeat things." });
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);
  return { course, lesson };
}

test("a learner asks in English, the teacher answers in Russian and marks the answer; scripts never run", async () => {
  const { course, lesson } = await publishedCourse("Discussing loops");
  const lessonUrl = `${env.server.url}/courses/${course.id}/lessons/${lesson.id}`;
  const errors = [];
  const dialogs = [];

  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" }, (p) => {
    p.on("pageerror", (error) => errors.push(String(error)));
    p.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss();
    });
  });
  await page.goto(lessonUrl);
  await page.getByTestId("discussion-empty").waitFor();
  await page.getByTestId("new-thread-input").fill("How does a `while` loop end?");
  await page.getByTestId("new-thread-submit").click();
  const thread = page.getByTestId("discussion-thread").first();
  await thread.getByTestId("post-body").filter({ hasText: "How does a while loop end?" }).waitFor();

  // A post that tries to run script: stored sanitised, shown without running anything.
  await page.getByTestId("new-thread-input").fill(
    'Look <script>window.__pwned = 1; alert("x")</script> <img src="x" onerror="window.__pwned = 2"> [go](javascript:window.__pwned=3)',
  );
  await page.getByTestId("new-thread-submit").click();
  await page.getByTestId("discussion-thread").nth(1).waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "no script of a post ran");
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator('[data-testid="post-body"] script').count(), 0);
  assert.equal(await page.locator('[data-testid="post-body"] [onerror]').count(), 0);
  assert.equal(await page.locator('[data-testid="post-body"] a[href^="javascript"]').count(), 0);

  // The teacher, in Russian, replies to the question and marks the reply as the answer.
  const { context: teacherContext, page: teacherPage } = await signedInContext(env, "teacher@demo.local", { locale: "ru-RU" });
  await teacherPage.goto(lessonUrl);
  await teacherPage.getByTestId("locale-switch").selectOption("ru");
  await teacherPage.getByRole("heading", { name: "Обсуждение" }).waitFor();
  const question = teacherPage.getByTestId("discussion-thread").filter({ hasText: "How does a while loop end?" });
  await question.getByTestId("reply-open").click();
  await question.getByTestId("reply-input").fill("Когда условие становится **ложным**.");
  await question.getByTestId("reply-submit").click();
  const reply = question.getByTestId("discussion-post").filter({ hasText: "Когда условие становится ложным." });
  await reply.waitFor();
  await reply.getByTestId("post-answer").filter({ hasText: "Отметить как ответ" }).click();
  await question.getByTestId("answer-badge").filter({ hasText: "Ответ" }).waitFor();
  await teacherContext.close();

  // The learner sees the answer marked and was told of the reply.
  await page.reload();
  const answered = page.getByTestId("discussion-thread").filter({ hasText: "How does a while loop end?" });
  await answered.getByTestId("answer-badge").filter({ hasText: "Answer" }).waitFor();
  assert.equal(await answered.locator('[data-answer="true"]').count(), 1);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(errors, []);
  await context.close();
});

test("offline, posting is disabled with a visible message and the loaded threads stay readable", async () => {
  const { course, lesson } = await publishedCourse("Discussing offline");
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/lessons/${lesson.id}/posts`, { body: "Posted before the train" });
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" });
  await page.goto(`${env.server.url}/courses/${course.id}/lessons/${lesson.id}`);
  await page.getByTestId("post-body").filter({ hasText: "Posted before the train" }).waitFor();

  await context.setOffline(true);
  await page.getByTestId("discussion-offline").filter({ hasText: "Posting needs a connection" }).waitFor();
  assert.ok(await page.getByTestId("new-thread-submit").isDisabled());
  assert.ok(await page.getByTestId("new-thread-input").isDisabled());
  assert.ok(await page.getByTestId("reply-open").isDisabled());
  await page.getByTestId("post-body").filter({ hasText: "Posted before the train" }).waitFor();

  await context.setOffline(false);
  await page.getByTestId("discussion-offline").waitFor({ state: "detached" });
  assert.ok(await page.getByTestId("new-thread-submit").isEnabled());
  await context.close();
});

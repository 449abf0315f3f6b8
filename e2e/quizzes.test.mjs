// Lesson quizzes end to end: a teacher writes a quiz in the lesson editor and publishes it; a
// learner downloads the course, goes offline, takes the quiz (fails, retries, passes: the lesson is
// completed), comes back online, the attempts sync, and the teacher's statistics show them. Then
// the quiz in Russian. Courses are made through the API as the demo accounts, as a client would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();
const apiAs = apiCallers(env);

/** A published course of two lessons, the demo student enrolled. */
async function publishedCourse(title) {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title, language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Borrowing" });
  const lessons = [];
  for (const name of ["References", "Lifetimes"]) {
    const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title: name });
    await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body: `# ${name}\n\nRead, then check yourself.` });
    lessons.push(lesson);
  }
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);
  return { course, lessons, teacher };
}

/** Answers the question on screen: an option by its label, or the text typed into the gaps. */
async function answer(page, { option, gap }) {
  const question = page.getByTestId("quiz-question");
  if (option !== undefined) await question.locator("label", { hasText: option }).click();
  if (gap !== undefined) await question.getByTestId("quiz-gap").fill(gap);
  await page.getByTestId("quiz-check").click();
  await page.getByTestId("quiz-feedback").waitFor();
  const right = (await page.getByTestId("quiz-feedback").getAttribute("data-right")) === "true";
  await page.getByTestId("quiz-next").click();
  return right;
}

test("a teacher publishes a quiz; a learner fails and passes it offline; the attempts sync into the teacher's statistics", async () => {
  const { course, lessons, teacher } = await publishedCourse("Quizzes on the train");
  const errors = [];

  // The teacher writes two questions in the editor and publishes them.
  const { context: teacherContext, page: editor } = await signedInContext(env, "teacher@demo.local", { locale: "en-US" });
  await editor.goto(`${env.server.url}/teach/courses/${course.id}/lessons/${lessons[0].id}`);
  await editor.getByTestId("quiz-editor").waitFor();
  const form = editor.getByTestId("quiz-question-form").last();
  await form.getByTestId("quiz-field-prompt").fill("2 + 2?");
  await form.getByTestId("quiz-field-options").fill("3\n4");
  await form.getByTestId("quiz-field-correct").fill("2");
  await form.getByTestId("quiz-field-explanation").fill("Count them on your fingers.");
  await form.getByTestId("quiz-submit").click();
  await editor.getByTestId("quiz-editor-question").first().waitFor();
  await form.getByTestId("quiz-field-kind").selectOption("cloze");
  await form.getByTestId("quiz-field-cloze").fill("Rust checks {{borrows|borrowing}} at compile time.");
  await form.getByTestId("quiz-submit").click();
  await editor.getByTestId("quiz-editor-question").nth(1).waitFor();
  await editor.getByTestId("quiz-publish").click();
  await editor.getByTestId("quiz-status").filter({ hasText: "Published version 1" }).waitFor();

  // The learner downloads the course, then loses the network.
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" }, (p) =>
    p.on("pageerror", (error) => errors.push(String(error))),
  );
  await page.goto(`${env.server.url}/courses/${course.slug}`);
  await page.getByTestId("offline-download").click();
  await page.getByTestId("offline-available").waitFor({ timeout: 30_000 });
  await context.setOffline(true);
  await page.locator('[data-testid="syllabus-lesson"] a').first().click();
  await page.getByTestId("lesson-title").filter({ hasText: "References" }).waitFor();
  await page.getByTestId("offline-copy").waitFor();
  assert.equal(await page.getByTestId("mark-complete").count(), 0, "a quiz lesson is completed by its quiz");

  // First attempt: both wrong.
  await page.getByTestId("quiz-start").click();
  assert.equal(await answer(page, { option: "3" }), false);
  assert.equal(await answer(page, { gap: "types" }), false);
  const result = page.getByTestId("quiz-result");
  await result.waitFor();
  assert.equal(await result.getAttribute("data-passed"), "false");
  assert.match(await page.getByTestId("quiz-score").innerText(), /0 of 2 right · 0%/);
  assert.match(await result.innerText(), /70% is needed/);

  // Retry: both right (the typed answer in another case and with a full stop).
  await page.getByTestId("quiz-retry").click();
  assert.equal(await answer(page, { option: "4" }), true);
  assert.equal(await answer(page, { gap: "Borrows." }), true);
  await page.getByTestId("quiz-result").and(page.locator('[data-passed="true"]')).waitFor();
  await page.getByTestId("quiz-lesson-completed").waitFor();
  await page.locator('[data-testid="outline-lesson"][data-completed="true"]').first().waitFor();

  // Back online: the attempts reach the server, which scored them itself.
  await context.setOffline(false);
  const statsPath = `/api/courses/${course.id}/lessons/${lessons[0].id}/quiz/stats`;
  let stats;
  for (let tries = 0; tries < 60; tries += 1) {
    stats = await teacher("GET", statsPath);
    if (stats.attempts === 2) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(stats.attempts, 2, JSON.stringify(stats));
  assert.equal(stats.learners, 1);
  assert.equal(stats.pass_rate, 0.5);
  assert.deepEqual(stats.questions.map((q) => [q.answered, q.correct]), [[2, 1], [2, 1]]);

  await editor.reload();
  await editor.getByTestId("quiz-stats-attempts").filter({ hasText: "2" }).waitFor();
  assert.equal(await editor.getByTestId("quiz-stats-question").count(), 2);
  assert.match(await editor.getByTestId("quiz-stats-pass-rate").innerText(), /50%/);

  assert.deepEqual(errors, []);
  await context.close();
  await teacherContext.close();
});

test("the quiz reads in Russian", async () => {
  const { course, lessons, teacher } = await publishedCourse("Тест по-русски");
  const path = `/api/courses/${course.id}/lessons/${lessons[1].id}/quiz`;
  await teacher("POST", `${path}/questions`, {
    questions: [{ prompt: "Ссылка `&T` — изменяемая?", kind: "true_false", correct: false, explanation: "`&T` только для чтения." }],
  });
  await teacher("POST", `${path}/versions`);

  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "ru-RU" });
  await page.goto(`${env.server.url}/courses/${course.slug}/lessons/${lessons[1].id}`);
  await page.getByTestId("locale-switch").selectOption("ru");
  assert.equal(await page.getByTestId("quiz-start").innerText(), "Начать тест");
  await page.getByTestId("quiz-start").click();
  assert.equal(await answer(page, { option: "Неверно" }), true);
  assert.match(await page.getByTestId("quiz-score").innerText(), /Верно 1 из 1 · 100%/);
  assert.match(await page.getByTestId("quiz-result").innerText(), /Тест пройден/);
  await context.close();
});

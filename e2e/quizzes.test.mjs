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

test("the quiz editor says what to fix in the teacher's language before anything is sent, and keeps what was typed", async () => {
  const { course, lessons } = await publishedCourse("Quiz editor checks");
  const sent = [];
  const { context, page } = await signedInContext(env, "teacher@demo.local", { locale: "ru-RU" }, (p) =>
    p.on("request", (request) => {
      if (request.method() === "POST" && request.url().includes("/quiz/questions")) sent.push(request.url());
    }),
  );
  await page.goto(`${env.server.url}/teach/courses/${course.id}/lessons/${lessons[0].id}`);
  await page.getByTestId("quiz-editor").waitFor();
  await page.getByTestId("locale-switch").selectOption("ru");
  const form = page.getByTestId("quiz-question-form").last();
  // No prompt: the rule the server applies, said in Russian, nothing sent.
  await form.getByTestId("quiz-submit").click();
  await form.getByTestId("quiz-form-error").filter({ hasText: "Напишите вопрос." }).waitFor();
  // Two options that say the same; then a correct option that is not one of them.
  await form.getByTestId("quiz-field-prompt").fill("2 + 2?");
  await form.getByTestId("quiz-field-options").fill("4\n 4 ");
  await form.getByTestId("quiz-field-correct").fill("1");
  await form.getByTestId("quiz-submit").click();
  await form.getByTestId("quiz-form-error").filter({ hasText: "Два варианта совпадают." }).waitFor();
  await form.getByTestId("quiz-field-options").fill("3\n4");
  assert.equal(await form.getByTestId("quiz-form-error").count(), 0, "editing clears the message");
  await form.getByTestId("quiz-field-correct").fill("5");
  await form.getByTestId("quiz-submit").click();
  await form.getByTestId("quiz-form-error").filter({ hasText: "Правильный вариант должен быть одним из вариантов" }).waitFor();
  assert.equal(await form.getByTestId("quiz-field-prompt").inputValue(), "2 + 2?", "what was typed is kept");
  assert.deepEqual(sent, [], "nothing reached the server");
  // Fixed, it is added.
  await form.getByTestId("quiz-field-correct").fill("2");
  await form.getByTestId("quiz-submit").click();
  await page.getByTestId("quiz-editor-question").first().waitFor();
  assert.equal(sent.length, 1);
  await context.close();
});

const OWNERSHIP = `# Ownership

Every value in Rust has a single owner. When the owner goes out of scope, the value is dropped and its memory is freed.

Assigning a value to another variable moves ownership: the first variable can no longer be used. Types such as integers implement Copy, so they are copied instead of moved.

A reference borrows a value without taking ownership. The borrow checker makes sure that a reference never outlives the value it points to, and that a mutable reference is never shared.

Lifetimes name how long a reference stays valid. The compiler infers most lifetimes, and asks for annotations only when it cannot tell.`;

test("a teacher drafts questions without a language model, reviews and adds them; learners see the lesson's summary in English and Russian", async () => {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title: "Drafted by the built-in provider", language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Ownership" });
  const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title: "Ownership" });
  await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body: OWNERSHIP });
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);

  // The drafts panel: two cloze questions, made from the lesson's own text and labelled so.
  const { context, page } = await signedInContext(env, "teacher@demo.local", { locale: "en-US" });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`${env.server.url}/teach/courses/${course.id}/lessons/${lesson.id}`);
  const panel = page.getByTestId("quiz-drafts");
  await panel.waitFor();
  await panel.getByTestId("draft-count").fill("2");
  await panel.getByTestId("draft-count").dispatchEvent("change");
  for (const kind of ["single_choice", "multiple_choice", "true_false", "short_answer"]) {
    const box = panel.getByTestId(`draft-kind-${kind}`);
    if (await box.isChecked()) await box.uncheck();
  }
  await panel.getByTestId("draft-kind-cloze").check();
  await panel.getByTestId("draft-generate").click();
  await panel.getByTestId("draft-result").waitFor({ timeout: 30_000 });
  assert.match(await panel.getByTestId("draft-without-llm").innerText(), /Made without a language model/);
  const drafted = panel.getByTestId("draft-question");
  assert.equal(await drafted.count(), 2);
  for (const text of await drafted.allInnerTexts()) {
    const answer = text.match(/\n(.*)$/s)?.[1] ?? text;
    assert.ok(answer.length > 0, text);
  }
  // Added to the quiz as drafts, to be accepted one by one.
  await panel.getByTestId("draft-accept").click();
  await page.locator('[data-testid="quiz-editor-question"][data-draft="true"]').nth(1).waitFor();
  assert.equal(await page.getByTestId("quiz-draft-badge").count(), 2);
  assert.deepEqual(errors, []);
  await context.close();

  // The learner's lesson page shows the summary the background job made on publishing.
  for (const [locale, title, label] of [
    ["en", "Summary", "Made without a language model"],
    ["ru", "Краткое содержание", "Сделано без языковой модели"],
  ]) {
    const learner = await signedInContext(env, "student@demo.local", { locale: locale === "ru" ? "ru-RU" : "en-US" });
    const deadline = Date.now() + 30_000;
    for (;;) {
      await learner.page.goto(`${env.server.url}/courses/${course.id}/lessons/${lesson.id}`);
      await learner.page.getByTestId("lesson-title").waitFor();
      if ((await learner.page.getByTestId("lesson-summary").count()) > 0) break;
      if (Date.now() > deadline) throw new Error("the lesson's summary never appeared");
      await learner.page.waitForTimeout(1_000);
    }
    await learner.page.getByTestId("locale-switch").selectOption(locale);
    const summary = learner.page.getByTestId("lesson-summary");
    await summary.locator("summary").filter({ hasText: title }).waitFor();
    assert.match(await summary.locator("summary").innerText(), new RegExp(title));
    assert.match(await summary.getByTestId("summary-without-llm").innerText(), new RegExp(label));
    // An extractive summary: its sentences are the lesson's own.
    const text = await summary.locator(".lesson-summary__text").innerText();
    assert.ok(text.length > 0 && text.split(/(?<=\.)\s+/).every((s) => OWNERSHIP.includes(s.trim())), text);
    await learner.context.close();
  }
});

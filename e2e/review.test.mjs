// Flashcard review end to end: a learner gets two quiz questions wrong, which makes two cards;
// the header's badge counts them; the review session runs by keyboard only, offline (Space shows
// the answer, 1-4 rate, U undoes, a card rated Again comes back within the session); the reviews
// sync. Then on a phone-sized touch screen, in Russian, by swipes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();
const apiAs = apiCallers(env);

/** A published one-lesson course with a two-question quiz; the demo student enrolled. */
async function courseWithQuiz(title, questions) {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title, language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Memory" });
  const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title: "Recall" });
  await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body: "# Recall\n\nTest yourself." });
  const quiz = `/api/courses/${course.id}/lessons/${lesson.id}/quiz`;
  await teacher("POST", `${quiz}/questions`, { questions });
  await teacher("POST", `${quiz}/versions`);
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  await (await apiAs("student@demo.local"))("POST", `/api/courses/${course.id}/enrollment`);
  return { course, lesson };
}

/** Takes the lesson's quiz answering every true/false question with `choice` (wrongly). */
async function failQuiz(page, count, choice) {
  await page.getByTestId("quiz-start").click();
  for (let i = 0; i < count; i += 1) {
    await page.getByTestId("quiz-question").locator("label").filter({ hasText: new RegExp(`^\\s*${choice}\\s*$`) }).click();
    await page.getByTestId("quiz-check").click();
    await page.getByTestId("quiz-feedback").waitFor();
    await page.getByTestId("quiz-next").click();
  }
  await page.getByTestId("quiz-result").waitFor();
}

test("wrong answers become cards, reviewed offline by keyboard only, with undo and a card that returns", async () => {
  const { course, lesson } = await courseWithQuiz("Cards from mistakes", [
    { prompt: "The borrow checker runs at run time.", kind: "true_false", correct: false, explanation: "It runs when compiling." },
    { prompt: "A `String` owns its buffer.", kind: "true_false", correct: true, explanation: "It frees it when dropped." },
  ]);
  const errors = [];
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" }, (p) =>
    p.on("pageerror", (error) => errors.push(String(error))),
  );
  await page.goto(`${env.server.url}/courses/${course.slug}/lessons/${lesson.id}`);
  // Both answered wrongly: two cards.
  await page.getByTestId("quiz-start").click();
  for (const wrong of ["True", "False"]) {
    await page.getByTestId("quiz-question").locator("label", { hasText: wrong }).click();
    await page.getByTestId("quiz-check").click();
    await page.getByTestId("quiz-feedback").waitFor();
    await page.getByTestId("quiz-next").click();
  }
  assert.match(await page.getByTestId("quiz-new-cards").innerText(), /2 new cards for review/);
  await page.getByTestId("due-badge").filter({ hasText: "2" }).waitFor();

  // Offline from here: the session needs nothing from the server.
  await context.setOffline(true);
  await page.getByTestId("nav-review").click();
  await page.getByTestId("review-card").waitFor();
  assert.match(await page.getByTestId("review-progress").innerText(), /Card 1 of 2/);
  const first = await page.getByTestId("review-front").innerText();
  assert.match(first, /True or false\?/);
  assert.equal(await page.getByTestId("review-back").count(), 0, "the answer is hidden at first");

  await page.keyboard.press("Space");
  await page.getByTestId("review-back").waitFor();
  // Each button shows the wait it would give: a new card's Again is one minute, Good ten.
  assert.match(await page.getByTestId("rate-1").innerText(), /1 min/);
  assert.match(await page.getByTestId("rate-3").innerText(), /10 min/);
  await page.keyboard.press("3");
  await page.getByTestId("review-progress").filter({ hasText: "Card 2 of 3" }).waitFor();

  // U takes the rating back: the first card again, its answer shown.
  await page.keyboard.press("u");
  await page.getByTestId("review-progress").filter({ hasText: "Card 1 of 2" }).waitFor();
  assert.equal(await page.getByTestId("review-front").innerText(), first);
  await page.getByTestId("review-back").waitFor();

  // Again: the card comes back at the end of the session.
  await page.keyboard.press("1");
  await page.getByTestId("review-progress").filter({ hasText: "Card 2 of 3" }).waitFor();
  await page.keyboard.press("Space");
  await page.keyboard.press("4");
  await page.getByTestId("review-progress").filter({ hasText: "Card 3 of 3" }).waitFor();
  assert.equal(await page.getByTestId("review-front").innerText(), first);
  await page.keyboard.press("Space");
  await page.keyboard.press("4");
  const summary = page.getByTestId("review-summary");
  await summary.waitFor();
  assert.match(await summary.innerText(), /3 reviews/);
  assert.equal(await page.getByTestId("due-badge").count(), 0, "nothing is due any more");

  // Back online: the cards, the reviews and the undo sync; a second device has nothing due.
  await context.setOffline(false);
  await page.locator('[data-testid="online-status"][data-sync="synced"]').waitFor({ timeout: 30_000 });
  const { context: laptop, page: second } = await signedInContext(env, "student@demo.local", { locale: "en-US" });
  await second.goto(`${env.server.url}/learning`);
  await second.locator('[data-testid="online-status"][data-sync="synced"]').waitFor({ timeout: 30_000 });
  await second.goto(`${env.server.url}/review?course=${course.id}`);
  await second.getByTestId("review-empty").waitFor();
  assert.match(await second.getByTestId("review-next-due").innerText(), /Next card due in \d+ d/);
  await laptop.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test("on a phone in Russian, cards are turned and rated by swipes", async () => {
  const { course, lesson } = await courseWithQuiz("Карточки на телефоне", [
    { prompt: "`&mut T` можно иметь две одновременно.", kind: "true_false", correct: false, explanation: "Только одна изменяемая ссылка." },
  ]);
  const { context, page } = await signedInContext(env, "student@demo.local", {
    locale: "ru-RU",
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
  });
  await page.goto(`${env.server.url}/courses/${course.slug}/lessons/${lesson.id}`);
  await page.getByTestId("locale-switch").selectOption("ru");
  await failQuiz(page, 1, "Верно");
  assert.match(await page.getByTestId("quiz-new-cards").innerText(), /1 новая карточка/);
  await page.goto(`${env.server.url}/review?course=${course.id}`);
  const card = page.getByTestId("review-card");
  await card.waitFor();
  assert.match(await page.getByTestId("review-front").innerText(), /Верно или неверно\?/);

  /** A swipe across the card from its centre by (dx, dy) CSS pixels. */
  async function swipe(dx, dy) {
    const box = await card.boundingBox();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const client = await context.newCDPSession(page);
    const point = (px, py) => [{ x: px, y: py, id: 1 }];
    await client.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: point(x, y) });
    await client.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: point(x + dx / 2, y + dy / 2) });
    await client.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: point(x + dx, y + dy) });
    await client.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await client.detach();
  }

  // Any swipe turns the card; then → is Good (a new card's next learning step).
  await swipe(-120, 0);
  await page.getByTestId("review-back").waitFor();
  assert.match(await page.getByTestId("rate-3").innerText(), /Хорошо/);
  // The buttons fit the phone's width.
  const rates = await page.locator(".review__rates").boundingBox();
  assert.ok(rates.width <= 390, `rating buttons ${rates.width}px wide`);
  await swipe(150, 0);
  // Good on a new card: the 10-minute step, which returns within the session.
  await page.getByTestId("review-progress").filter({ hasText: "Карточка 2 из 2" }).waitFor();
  await swipe(0, -150);
  await page.getByTestId("review-back").waitFor();
  await swipe(0, -150);
  await page.getByTestId("review-summary").waitFor();
  assert.match(await page.getByTestId("review-summary").innerText(), /Повторение завершено/);
  await context.close();
});

test("a teacher's deck, written in the course editor, reaches an enrolled learner's review", async () => {
  const { course } = await courseWithQuiz("Course with a deck", [
    { prompt: "Rust has a garbage collector.", kind: "true_false", correct: false },
  ]);
  const { context: teacherContext, page: editor } = await signedInContext(env, "teacher@demo.local", { locale: "en-US" });
  await editor.goto(`${env.server.url}/teach/courses/${course.id}`);
  const deck = editor.getByTestId("deck-editor");
  await deck.getByTestId("deck-empty").waitFor();
  await deck.getByTestId("deck-add").click();
  await deck.getByTestId("deck-front").fill("What does `move` do to a closure?");
  await deck.getByTestId("deck-back").fill("It takes ownership of what it captures.");
  // An empty side is refused with a message, and nothing is lost from the form.
  await deck.getByTestId("deck-add").click();
  await deck.getByTestId("deck-front").nth(1).fill("Half a card");
  await deck.getByTestId("deck-save").click();
  await deck.getByTestId("deck-error").waitFor();
  await deck.getByTestId("deck-remove").nth(1).click();
  await deck.getByTestId("deck-save").click();
  await deck.getByTestId("deck-saved").waitFor();
  await teacherContext.close();

  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" });
  await page.goto(`${env.server.url}/courses/${course.slug}`);
  await page.getByTestId("due-badge").waitFor();
  await page.goto(`${env.server.url}/review?course=${course.id}`);
  await page.getByTestId("review-front").filter({ hasText: "What does `move` do to a closure?" }).waitFor();
  await context.close();
});

// Folds each exercise's worked answer, everything after its question up to the end of the
// exercise's section, so that a reader can try first. Without JavaScript, nothing is folded.
document.addEventListener("DOMContentLoaded", () => {
  const label = document.documentElement.lang.startsWith("ko") ? "풀이 보기" : "Show the worked answer";
  for (const question of document.querySelectorAll(".exercise-question")) {
    const answer = document.createElement("details");
    answer.className = "exercise-answer";
    const summary = document.createElement("summary");
    summary.textContent = label;
    answer.append(summary);
    while (question.nextSibling) answer.append(question.nextSibling);
    question.after(answer);
  }
});

// 听读 (read aloud): the button plays or pauses its statement's <audio> element. Kept in a file
// because the Content-Security-Policy refuses inline scripts; without scripts the audio element's
// own controls play it.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-listen]")) {
    const audio = document.getElementById(button.dataset.listen);
    if (!audio) continue;
    button.addEventListener("click", () => {
      if (audio.paused) {
        audio.play();
      } else {
        audio.pause();
      }
    });
  }
});

// Progressive enhancement only: every page works without script.
"use strict";

function copyHandler(button) {
  const input = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.status);
  if (!input) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    input.focus();
    input.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch (error) {
      copied = typeof document.execCommand === "function" && document.execCommand("copy");
    }
    if (status) {
      status.textContent = copied ? "Link copied." : "Select the link and copy it.";
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach(copyHandler);
});

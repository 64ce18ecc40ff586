// The admin pages' few enhancements; every page works without them (no build step, no CDN).
// GOV.UK Frontend's components (the phone menu, the error summary's and banners' focus) started
// from its vendored module; copy buttons beside a feed link's addresses, shown only where the
// browser can copy; and the reason field focused when a preview needs one, so a keyboard user
// lands where to type.
// (A browser that runs a module supports GOV.UK Frontend: the class its own snippet would set.)
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
for (const button of document.querySelectorAll("button.copy")) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    await navigator.clipboard.writeText(field.value);
    document.querySelector(".copied").textContent = `Copied: ${field.labels[0].textContent}`;
  });
}
const reason = document.getElementById("reason");
if (reason) reason.focus();

// The photo form's focal point: a click on the subject fills in the two inputs (0–1
// across and down) and moves the marker; typing in the inputs moves it too. Positions are
// set through the CSSOM, which the Content-Security-Policy allows (style attributes no).
(function () {
  "use strict";
  function percent(value) {
    return `${Math.round(value * 100)}%`;
  }
  function setUp(picker) {
    const across = document.getElementById(picker.dataset.x);
    const down = document.getElementById(picker.dataset.y);
    const frame = picker.querySelector(".focal-point__frame");
    const marker = picker.querySelector(".focal-point__marker");
    const readout = picker.querySelector(".focal-point__readout");
    if (!across || !down) return;
    function show() {
      const x = Math.min(1, Math.max(0, parseFloat(across.value) || 0));
      const y = Math.min(1, Math.max(0, parseFloat(down.value) || 0));
      marker.style.left = percent(x);
      marker.style.top = percent(y);
      readout.textContent = `Focal point: ${percent(x)} across, ${percent(y)} down.`;
    }
    frame.addEventListener("click", (event) => {
      const box = frame.querySelector("img").getBoundingClientRect();
      if (!box.width || !box.height) return;
      const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
      across.value = x.toFixed(3);
      down.value = y.toFixed(3);
      across.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    });
    across.addEventListener("input", show);
    down.addEventListener("input", show);
    show();
  }
  function start() {
    document.querySelectorAll("[data-focal-point]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

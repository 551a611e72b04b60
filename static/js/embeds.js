// Click-to-load embeds: nothing is asked of a provider until the reader presses the
// button; then its player replaces the placeholder. Without JavaScript the placeholder's
// link leads to the post or video itself. Loaded once per page, however many includes ask.
(function () {
  "use strict";
  if (window.newsroomEmbeds) return;
  window.newsroomEmbeds = true;
  document.documentElement.classList.add("js-embeds");

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".embed__load");
    if (!button) return;
    var figure = button.closest("figure[data-embed-player]");
    var player = figure && figure.getAttribute("data-embed-player");
    if (!player || player.indexOf("https://") !== 0) return;
    var frame = document.createElement("iframe");
    frame.src = player;
    frame.title = figure.getAttribute("data-embed-title") || "Embedded media";
    frame.className = "embed__frame";
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture; clipboard-write";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    var stage = figure.querySelector(".embed__stage");
    stage.replaceChildren(frame);
    figure.classList.add("embed--loaded");
    frame.focus();
  });
})();

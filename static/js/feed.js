// "Show More" appends the next batch in place. Without this script the link
// simply opens the next batch as a page of its own.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-fragment]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) {
    return;
  }
  const list = document.getElementById(link.dataset.target);
  if (!list) {
    return;
  }
  event.preventDefault();
  link.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(link.dataset.fragment, { headers: { Accept: "text/html" } });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const batch = document.createElement("template");
    batch.innerHTML = await response.text();
    const entries = batch.content.querySelectorAll(".entries > li");
    entries.forEach((entry) => list.append(entry));
    const nextMore = batch.content.querySelector(".more");
    const currentMore = link.closest(".more");
    if (nextMore) {
      nextMore.querySelector("a[data-fragment]").dataset.target = link.dataset.target;
      currentMore.replaceWith(nextMore);
    } else {
      currentMore.remove();
    }
    // Keep keyboard and screen-reader users where the new entries begin.
    const firstLink = entries[0] && entries[0].querySelector("a");
    if (firstLink) {
      firstLink.focus();
    }
  } catch (error) {
    window.location.assign(link.href);
  }
});

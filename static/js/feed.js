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

// Live updates. A list marked `data-live` (the News Feed's first page, an article's
// sidebar, a live blog's stream) asks that address what changed for the entries it
// shows, and shows "N new updates" beside its list: one press inserts them, without
// moving what the reader is reading. Updated stamps are refreshed and entries no longer
// public are removed at each check, with one polite announcement per check that changed
// anything; a live blog's key events are replaced by the server's current list. A list
// marked `data-live-order="oldest"` gets the new entries at its end. The server says how
// often to ask and how long to go on while the reader does nothing; a hidden tab asks
// less often. Without this script the page stays as served.
document.querySelectorAll("[data-live]").forEach((scope) => {
  const list = document.getElementById(scope.dataset.liveInto);
  if (!list || !window.fetch || !("content" in document.createElement("template"))) {
    return;
  }
  const oldestFirst = scope.dataset.liveOrder === "oldest";
  const keyEvents = scope.querySelector("[data-key-events]");
  const MAX_SHOWN = 100; // as the server reads at most
  const HIDDEN_SLOWDOWN = 5;
  const MAX_WAIT_SECONDS = 600;

  let checkAfter = 30; // seconds, until the server says otherwise
  let idleAfter = 30 * 60;
  let failures = 0;
  let timer = null;
  let checking = false;
  let stopped = false;
  let lastCheck = 0;
  let lastInteraction = Date.now();
  let lastAnswer = null;
  let pending = []; // the new entries, newest first, not inserted yet
  let pendingComplete = true; // false: more are new than the server sent
  let announcedPending = 0;

  const bar = document.createElement("p");
  bar.className = "live-updates";
  bar.hidden = true;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "live-updates__button";
  bar.append(button);
  if (oldestFirst) {
    list.after(bar);
  } else {
    list.before(bar);
  }
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  scope.append(status);

  const shownEntries = () => Array.from(scope.querySelectorAll("[data-entry]"));
  const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

  // Runs `change` and scrolls by however much it moved the entries the reader is
  // looking at, when the change is above them (the feed's top is out of view).
  function keepingScroll(change) {
    if (scope.getBoundingClientRect().top >= 0) {
      change();
      return;
    }
    const visible = shownEntries()
      .filter((entry) => entry.getBoundingClientRect().bottom > 0)
      .slice(0, 10)
      .map((entry) => [entry, entry.getBoundingClientRect().top]);
    const scopeBottom = scope.getBoundingClientRect().bottom;
    change();
    const kept = visible.find(([entry]) => entry.isConnected);
    const shift = kept
      ? kept[0].getBoundingClientRect().top - kept[1]
      : scope.getBoundingClientRect().bottom - scopeBottom;
    if (shift) {
      window.scrollBy(0, shift);
    }
  }

  function showBar() {
    const count = pending.length;
    if (count) {
      button.textContent = pendingComplete
        ? plural(count, "new update", "new updates")
        : `${count}+ new updates`;
    }
    if (bar.hidden !== !count) {
      keepingScroll(() => {
        bar.hidden = !count;
      });
    }
  }

  function announce(parts) {
    if (parts.length) {
      // A new text node each time, so the same words twice are announced twice.
      status.replaceChildren(document.createTextNode(`${parts.join(". ")}.`));
    }
  }

  function refreshStamp(entry, state) {
    entry.dataset.updated = state.dataset.updated;
    const meta = entry.querySelector(".entry__meta");
    const current = meta && meta.querySelector(".entry__updated");
    const stamp = state.querySelector(".entry__updated");
    if (current && stamp) {
      current.replaceWith(stamp);
    } else if (current) {
      current.remove();
    } else if (stamp && meta) {
      meta.querySelector("time").after(stamp);
    }
  }

  function removeEntry(entry) {
    if (entry.contains(document.activeElement)) {
      const neighbour = entry.nextElementSibling || entry.previousElementSibling;
      const link = neighbour && neighbour.querySelector("a");
      if (link) {
        link.focus({ preventScroll: true });
      }
    }
    entry.remove();
  }

  function apply(answer, asked) {
    const template = document.createElement("template");
    template.innerHTML = answer;
    const root = template.content.querySelector("[data-check-after]");
    if (!root) {
      throw new Error("Not an answer about the feed");
    }
    checkAfter = Number(root.dataset.checkAfter) || checkAfter;
    idleAfter = Number(root.dataset.idleAfter) || idleAfter;
    const still = new Map(
      Array.from(root.querySelectorAll("[data-shown]"), (state) => [state.dataset.shown, state]),
    );
    let removed = 0;
    let changed = 0;
    keepingScroll(() => {
      asked.forEach((entry) => {
        if (!entry.isConnected) {
          return;
        }
        const state = still.get(entry.dataset.entry);
        if (!state) {
          removeEntry(entry);
          removed += 1;
        } else if (state.dataset.updated !== entry.dataset.updated) {
          refreshStamp(entry, state);
          changed += 1;
        }
      });
    });
    const present = new Set(shownEntries().map((entry) => entry.dataset.entry));
    pending = Array.from(root.querySelectorAll("[data-new] > li")).filter(
      (entry) => !present.has(entry.dataset.entry),
    );
    pendingComplete = !root.hasAttribute("data-more-new");
    showBar();
    const events = root.querySelector("[data-key-events]");
    if (keyEvents && events && events.innerHTML !== keyEvents.innerHTML) {
      keepingScroll(() => {
        keyEvents.replaceChildren(...events.childNodes);
        const nav = keyEvents.closest("nav");
        if (nav) {
          nav.hidden = !keyEvents.children.length;
        }
      });
    }
    const parts = [];
    if (pending.length > announcedPending) {
      parts.push(button.textContent);
    }
    announcedPending = pending.length;
    if (removed) {
      parts.push(plural(removed, "entry was removed", "entries were removed"));
    }
    if (changed) {
      parts.push(plural(changed, "entry was updated", "entries were updated"));
    }
    announce(parts);
  }

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (Date.now() - lastInteraction > idleAfter * 1000) {
      stopped = true; // until the reader does something again
      return;
    }
    let wait = checkAfter * (document.hidden ? HIDDEN_SLOWDOWN : 1) * 2 ** failures;
    wait = Math.min(wait, MAX_WAIT_SECONDS) * (0.9 + Math.random() * 0.2);
    timer = setTimeout(check, wait * 1000);
  }

  async function check() {
    clearTimeout(timer);
    timer = null;
    if (checking) {
      return;
    }
    checking = true;
    lastCheck = Date.now();
    const asked = shownEntries().slice(0, MAX_SHOWN);
    const address = `${scope.dataset.live}?shown=${asked.map((e) => e.dataset.entry).join(",")}`;
    try {
      // Always revalidated (If-None-Match), so an unchanged answer is a 304.
      const response = await fetch(address, { cache: "no-cache", headers: { Accept: "text/html" } });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const answer = await response.text();
      if (answer !== lastAnswer || asked.some((entry) => !entry.isConnected)) {
        apply(answer, asked);
        lastAnswer = answer;
      }
      failures = 0;
    } catch (error) {
      failures = Math.min(failures + 1, 6);
    } finally {
      checking = false;
      schedule();
    }
  }

  function insertPending() {
    if (!pendingComplete) {
      window.location.reload(); // too many to insert: the page as it is now
      return;
    }
    const entries = pending;
    pending = [];
    announcedPending = 0;
    keepingScroll(() => {
      const empty = list.querySelector(":scope > .empty");
      if (empty) {
        empty.remove();
      }
      if (oldestFirst) {
        list.append(...entries.slice().reverse());
      } else {
        list.prepend(...entries);
      }
      bar.hidden = true;
    });
    // Keyboard and screen-reader users continue from the first new entry.
    const link = entries[0] && entries[0].querySelector("a");
    if (link) {
      link.focus({ preventScroll: true });
    }
    lastAnswer = null; // the page shows more now: the next answer applies afresh
  }
  button.addEventListener("click", insertPending);
  // A key event not inserted yet is inserted when the reader follows its link.
  if (keyEvents) {
    keyEvents.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      if (link && !document.getElementById(link.hash.slice(1)) && pending.length) {
        insertPending();
      }
    });
  }

  function interacted() {
    lastInteraction = Date.now();
    if (stopped) {
      stopped = false;
      check();
    }
  }
  ["pointerdown", "pointermove", "keydown", "wheel", "touchstart", "scroll"].forEach((type) => {
    window.addEventListener(type, interacted, { capture: true, passive: true });
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      return;
    }
    interacted();
    if (!checking && !stopped) {
      const due = lastCheck + checkAfter * 1000 - Date.now();
      clearTimeout(timer);
      timer = setTimeout(check, Math.max(due, 0));
    }
  });
  // A page restored from the back-forward cache may be long out of date.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      check();
    }
  });

  // The page itself may come from a cache (the browser's, a CDN's): ask at once.
  check();
});

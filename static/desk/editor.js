// The desk's body editor: django-prose-editor's Tiptap build with the newsroom's own
// blocks (photos, galleries, embeds, pull quotes, fact boxes, table captions) and marks
// (abbreviations, citations, times, insertions, deletions, language), started without
// the inline <style> elements Tiptap would inject: the admin's Content-Security-Policy
// refuses those, and static/desk/editor.css carries the same rules instead.
//
// What the editor writes is exactly what articles/text.py keeps on save.
import * as prose from "django-prose-editor/editor"

const { Editor, Node, Mark, crel, initializeEditors, updateAttrsDialog } = prose

const ATTRIBUTE = "data-django-prose-editor-newsroom"

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]")
  return field ? field.value : ""
}

function endpoints(editor) {
  return editor.options.newsroomEndpoints || {}
}

async function getJSON(url) {
  const response = await fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  return response.json()
}

async function postForm(url, data) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    body: data,
  })
  const answer = await response.json()
  return { ok: response.ok, answer }
}

// --- Photos: chooser (library search or checked upload) ----------------------------

function photoChooser(editor, { multiple }) {
  const urls = endpoints(editor)
  return new Promise((resolve) => {
    const chosen = new Map()
    const search = crel("input", {
      type: "search",
      className: "newsroom-chooser__search",
      placeholder: "Search caption, credit or alt text",
    })
    search.setAttribute("aria-label", "Search photos")
    const results = crel("ul", { className: "newsroom-chooser__results" })
    const selection = crel("ol", { className: "newsroom-chooser__selection" })
    const status = crel("p", { className: "newsroom-chooser__status" })
    status.setAttribute("role", "status")
    const insert = crel("button", {
      type: "submit",
      className: "newsroom-chooser__insert",
      textContent: multiple ? "Insert gallery" : "Insert photo",
    })
    const cancel = crel("button", { type: "button", textContent: "Cancel" })

    const file = crel("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/gif,image/avif" })
    const alt = crel("input", { type: "text", name: "alt_text" })
    const credit = crel("input", { type: "text", name: "credit" })
    const caption = crel("input", { type: "text", name: "caption" })
    const upload = crel("button", { type: "button", textContent: "Upload and choose" })
    const field = (label, input) => {
      const id = `newsroom-upload-${Math.random().toString(36).slice(2)}`
      input.id = id
      return crel("p", {}, [crel("label", { htmlFor: id, textContent: label }), input])
    }
    const uploader = crel("details", { className: "newsroom-chooser__upload" }, [
      crel("summary", { textContent: "Upload a new photo" }),
      field("Image", file),
      field("Alt text (what the photo shows)", alt),
      field("Credit", credit),
      field("Caption", caption),
      upload,
    ])

    const form = crel("form", { className: "newsroom-chooser", method: "dialog" }, [
      crel("h3", { textContent: multiple ? "Choose photos for the gallery" : "Choose a photo" }),
      search,
      results,
      uploader,
      crel("h4", { textContent: "Chosen, with the caption used here" }),
      selection,
      status,
      crel("p", { className: "newsroom-chooser__buttons" }, [insert, cancel]),
    ])
    const dialog = crel("dialog", { className: "prose-editor-dialog newsroom-dialog" }, [form])
    editor.view.dom.parentElement.append(dialog)

    const renderSelection = () => {
      selection.replaceChildren(
        ...[...chosen.values()].map((photo) => {
          const input = crel("input", { type: "text", value: photo.caption || "" })
          input.setAttribute("aria-label", `Caption for photo ${photo.id}`)
          input.dataset.photo = photo.id
          input.addEventListener("input", () => {
            photo.caption = input.value
          })
          // A click on the subject sets the photo's focal point: every crop keeps it.
          const focus = crel("button", { type: "button", className: "newsroom-chooser__focus" }, [
            crel("img", { src: photo.thumbnail, alt: "", width: 120, height: 90 }),
          ])
          focus.setAttribute("aria-label", `Set the focal point of photo ${photo.id}: click its subject`)
          focus.addEventListener("click", async (event) => {
            const box = focus.querySelector("img").getBoundingClientRect()
            if (!box.width || !box.height || !urls.focalPoint) return
            const data = new FormData()
            data.append("focal_x", Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)).toFixed(3))
            data.append("focal_y", Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)).toFixed(3))
            const { ok, answer } = await postForm(urls.focalPoint.replace("/0/", `/${photo.id}/`), data)
            status.textContent = ok
              ? `Focal point of “${photo.label}” set: ${Math.round(answer.focal[0] * 100)}% across, ${Math.round(answer.focal[1] * 100)}% down.`
              : answer.error
          })
          return crel("li", {}, [focus, crel("span", { textContent: `${photo.label} (${photo.credit})` }), input])
        }),
      )
      insert.disabled = chosen.size === 0
    }

    const choose = (photo) => {
      if (!multiple) chosen.clear()
      if (chosen.has(photo.id) && multiple) chosen.delete(photo.id)
      else chosen.set(photo.id, { ...photo })
      renderSelection()
    }

    const show = (photos) => {
      results.replaceChildren(
        ...photos.map((photo) => {
          const button = crel("button", { type: "button", className: "newsroom-chooser__photo" }, [
            crel("img", { src: photo.thumbnail, alt: "", width: 120, height: 90 }),
            crel("span", { textContent: photo.label }),
            crel("small", { textContent: photo.credit }),
          ])
          button.dataset.photo = photo.id
          button.setAttribute("aria-label", `Choose photo: ${photo.label}`)
          button.addEventListener("click", () => choose(photo))
          return crel("li", {}, [button])
        }),
      )
      status.textContent = photos.length ? "" : "No photo matches."
    }

    let timer = null
    const load = async () => {
      const answer = await getJSON(`${urls.photos}?q=${encodeURIComponent(search.value)}`)
      show(answer.results || [])
    }
    search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(load, 200)
    })

    upload.addEventListener("click", async () => {
      if (!file.files.length) {
        status.textContent = "Choose an image file first."
        return
      }
      const data = new FormData()
      data.append("image", file.files[0])
      data.append("alt_text", alt.value)
      data.append("credit", credit.value)
      data.append("caption", caption.value)
      status.textContent = "Uploading…"
      const { ok, answer } = await postForm(urls.upload, data)
      if (!ok) {
        status.textContent = answer.error
        return
      }
      status.textContent = "Uploaded."
      uploader.open = false
      choose(answer.photo)
      load()
    })

    const finish = (value) => {
      dialog.close()
      dialog.remove()
      resolve(value)
    }
    cancel.addEventListener("click", () => finish(null))
    dialog.addEventListener("cancel", () => finish(null))
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      if (chosen.size) finish([...chosen.values()])
    })
    renderSelection()
    dialog.showModal()
    load()
  })
}

// A new block takes the place of an empty line, else goes after the block the cursor is in
// (a chosen photo stays), never over it.
function insertBlock(editor, content) {
  const { selection } = editor.state
  const { $from } = selection
  if (!selection.node && $from.depth >= 1 && $from.parent.isTextblock && $from.parent.content.size === 0) {
    editor.chain().focus().insertContentAt({ from: $from.before(), to: $from.after() }, content).run()
    return
  }
  const at = selection.node || $from.depth < 1 ? selection.to : selection.$to.after(1)
  editor.chain().focus().insertContentAt(Math.min(at, editor.state.doc.content.size), content).run()
}

function photoAttrs(photo) {
  return {
    photo: String(photo.id),
    caption: photo.caption || "",
    label: photo.label || "",
    thumbnail: photo.thumbnail || "",
  }
}

function photoNodeView({ node, editor }) {
  const image = crel("img", { alt: "", width: 120, height: 90 })
  const text = crel("span", { className: "newsroom-block__text" })
  const dom = crel("figure", { className: "newsroom-block newsroom-block--photo" }, [image, text])
  dom.contentEditable = "false"
  const paint = (current) => {
    dom.dataset.photo = current.attrs.photo
    text.textContent = `Photo ${current.attrs.label || current.attrs.photo}: ${current.attrs.caption || "(the photo's own caption)"}`
    if (current.attrs.thumbnail) image.src = current.attrs.thumbnail
  }
  paint(node)
  if (!node.attrs.thumbnail && endpoints(editor).photos) {
    getJSON(`${endpoints(editor).photos}?id=${encodeURIComponent(node.attrs.photo)}`).then((answer) => {
      const photo = (answer.results || [])[0]
      if (photo) {
        image.src = photo.thumbnail
        text.textContent = `Photo ${photo.label}: ${node.attrs.caption || "(the photo's own caption)"}`
      }
    })
  }
  return {
    dom,
    update(updated) {
      if (updated.type !== node.type) return false
      node = updated
      paint(updated)
      return true
    },
  }
}

export const NewsPhoto = Node.create({
  name: "newsPhoto",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo"),
        renderHTML: (attributes) => ({ "data-photo": attributes.photo }),
      },
      caption: {
        default: "",
        parseHTML: (element) => {
          const caption = element.querySelector("figcaption")
          return caption ? caption.textContent.trim() : ""
        },
        rendered: false,
      },
      label: { default: "", rendered: false },
      thumbnail: { default: "", rendered: false },
    }
  },
  parseHTML() {
    return [{ tag: "figure[data-photo]", priority: 100 }]
  },
  renderHTML({ node }) {
    const attributes = { "data-photo": node.attrs.photo }
    return node.attrs.caption
      ? ["figure", attributes, ["figcaption", {}, node.attrs.caption]]
      : ["figure", attributes]
  },
  addNodeView() {
    return photoNodeView
  },
  addCommands() {
    return {
      insertNewsPhoto:
        () =>
        ({ editor }) => {
          photoChooser(editor, { multiple: false }).then((photos) => {
            if (photos) insertBlock(editor, { type: this.name, attrs: photoAttrs(photos[0]) })
          })
          return true
        },
      editNewsPhotoCaption:
        () =>
        ({ editor }) => {
          const attrs = editor.getAttributes(this.name)
          updateAttrsDialog({ caption: { type: "string", title: "Caption used here" } }, { title: "Photo caption" })(
            editor,
            attrs,
          ).then((values) => {
            if (values) editor.chain().focus().updateAttributes(this.name, { caption: values.caption }).run()
          })
          return true
        },
    }
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "newsPhoto",
      groups: "insert",
      button: buttons.material("image", "Insert photo"),
      command(editor) {
        editor.commands.insertNewsPhoto()
      },
    })
    menu.defineItem({
      name: "newsPhoto:caption",
      groups: "insert",
      button: buttons.material("short_text", "Edit photo caption"),
      command(editor) {
        editor.commands.editNewsPhotoCaption()
      },
      hidden: (editor) => !editor.isActive("newsPhoto"),
    })
  },
})

export const NewsGallery = Node.create({
  name: "newsGallery",
  group: "block",
  content: "newsPhoto+",
  draggable: true,
  parseHTML() {
    return [{ tag: "div.gallery", priority: 100 }]
  },
  renderHTML() {
    return ["div", { class: "gallery" }, 0]
  },
  addCommands() {
    return {
      insertNewsGallery:
        () =>
        ({ editor }) => {
          photoChooser(editor, { multiple: true }).then((photos) => {
            if (photos)
              insertBlock(editor, {
                type: this.name,
                content: photos.map((photo) => ({ type: "newsPhoto", attrs: photoAttrs(photo) })),
              })
          })
          return true
        },
    }
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "newsGallery",
      groups: "insert",
      button: buttons.material("photo_library", "Insert gallery"),
      command(editor) {
        editor.commands.insertNewsGallery()
      },
    })
  },
})

// --- Embeds: resolved on the server from the provider allowlist ---------------------

export const NewsEmbed = Node.create({
  name: "newsEmbed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  addAttributes() {
    return {
      embed: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-embed"),
        rendered: false,
      },
      url: {
        default: "",
        parseHTML: (element) => {
          const link = element.querySelector("a")
          return link ? link.getAttribute("href") : ""
        },
        rendered: false,
      },
      title: {
        default: "",
        parseHTML: (element) => element.textContent.trim(),
        rendered: false,
      },
      provider: { default: "", rendered: false },
    }
  },
  parseHTML() {
    return [{ tag: "figure[data-embed]", priority: 100 }]
  },
  renderHTML({ node }) {
    return ["figure", { "data-embed": node.attrs.embed }, ["a", { href: node.attrs.url }, node.attrs.title || node.attrs.url]]
  },
  addNodeView() {
    return ({ node }) => {
      const dom = crel("figure", { className: "newsroom-block newsroom-block--embed" }, [
        crel("span", {
          className: "newsroom-block__text",
          textContent: `Embed${node.attrs.provider ? ` (${node.attrs.provider})` : ""}: ${node.attrs.title || node.attrs.url}`,
        }),
      ])
      dom.contentEditable = "false"
      dom.dataset.embed = node.attrs.embed
      return { dom }
    }
  },
  addCommands() {
    return {
      insertNewsEmbed:
        () =>
        ({ editor }) => {
          const ask = (values, error) =>
            updateAttrsDialog(
              {
                url: {
                  type: "string",
                  format: "url",
                  required: true,
                  title: "Address of the video, post or chart",
                  description: error || "YouTube, Vimeo, X, Instagram, Facebook, Telegram, TikTok, SoundCloud, Spotify, Datawrapper or Flourish.",
                },
              },
              { title: "Embed", submitText: "Embed" },
            )(editor, values).then(async (answer) => {
              if (!answer) return
              const data = new FormData()
              data.append("url", answer.url)
              const { ok, answer: embed } = await postForm(endpoints(editor).embed, data)
              if (!ok) {
                ask(answer, embed.error)
                return
              }
              insertBlock(editor, {
                type: this.name,
                attrs: { embed: String(embed.id), url: embed.url, title: embed.title, provider: embed.provider },
              })
            })
          ask({ url: "" })
          return true
        },
    }
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "newsEmbed",
      groups: "insert",
      button: buttons.material("smart_display", "Embed a video, post or chart"),
      command(editor) {
        editor.commands.insertNewsEmbed()
      },
    })
  },
})

// --- Pull quotes, fact boxes, quotes with a source, table captions -------------------

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "paragraph+",
  defining: true,
  parseHTML() {
    return [{ tag: "blockquote.pull-quote", priority: 100 }]
  },
  renderHTML() {
    return ["blockquote", { class: "pull-quote" }, 0]
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "insert",
      button: buttons.material("format_quote", "Pull quote"),
      command(editor) {
        editor.chain().focus().toggleWrap("pullQuote").run()
      },
      active: (editor) => editor.isActive("pullQuote"),
    })
  },
})

export const FactBox = Node.create({
  name: "factBox",
  group: "block",
  content: "block+",
  defining: true,
  addAttributes() {
    return {
      kind: {
        default: "fact-box",
        parseHTML: (element) => (element.classList.contains("note") ? "note" : "fact-box"),
        renderHTML: (attributes) => ({ class: attributes.kind === "note" ? "note" : "fact-box" }),
      },
    }
  },
  parseHTML() {
    return [{ tag: "aside.fact-box" }, { tag: "aside.note" }]
  },
  renderHTML({ HTMLAttributes }) {
    return ["aside", HTMLAttributes, 0]
  },
  addMenuItems({ menu, buttons }) {
    for (const [kind, icon, title] of [
      ["fact-box", "info", "Fact box"],
      ["note", "sticky_note_2", "Note"],
    ]) {
      menu.defineItem({
        name: `factBox:${kind}`,
        groups: "insert",
        button: buttons.material(icon, title),
        command(editor) {
          editor.chain().focus().toggleWrap("factBox", { kind }).run()
        },
        active: (editor) => editor.isActive("factBox", { kind }),
      })
    }
  },
})

export const QuoteWithSource = prose.Blockquote.extend({
  addAttributes() {
    return {
      cite: {
        default: null,
        parseHTML: (element) => element.getAttribute("cite"),
        renderHTML: (attributes) => (attributes.cite ? { cite: attributes.cite } : {}),
      },
    }
  },
})

// Tables: the caption is an attribute of the table (ProseMirror's tables hold only rows),
// written as <caption>; header cells keep their scope.
export const CaptionedTable = prose.Table.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      caption: {
        default: "",
        parseHTML: (element) => {
          const caption = element.querySelector(":scope > caption")
          return caption ? caption.textContent.trim() : ""
        },
        rendered: false,
      },
    }
  },
  parseHTML() {
    return [
      {
        tag: "table",
        contentElement: (element) => {
          const rows = document.createElement("tbody")
          for (const row of element.querySelectorAll(":scope > thead > tr, :scope > tbody > tr, :scope > tfoot > tr, :scope > tr")) {
            rows.append(row.cloneNode(true))
          }
          return rows
        },
      },
    ]
  },
  renderHTML({ node }) {
    return node.attrs.caption ? ["table", {}, ["caption", {}, node.attrs.caption], ["tbody", 0]] : ["table", {}, ["tbody", 0]]
  },
  addMenuItems(props) {
    this.parent?.(props)
    props.menu.defineItem({
      name: "table:caption",
      groups: "table",
      button: props.buttons.material("title", "Table caption"),
      hidden: (editor) => !editor.isActive("table"),
      command(editor) {
        updateAttrsDialog({ caption: { type: "string", title: "Caption" } }, { title: "Table caption" })(
          editor,
          editor.getAttributes("table"),
        ).then((values) => {
          if (values) editor.chain().focus().updateAttributes("table", { caption: values.caption }).run()
        })
      },
    })
  },
})

export const ScopedTableHeader = prose.TableHeader.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      scope: {
        default: "col",
        parseHTML: (element) => element.getAttribute("scope") || "col",
        renderHTML: (attributes) => ({ scope: attributes.scope }),
      },
    }
  },
})

// --- Marks --------------------------------------------------------------------------

function simpleMark(name, tag, icon, title, attributes = {}) {
  return Mark.create({
    name,
    priority: 1100,
    addAttributes() {
      return Object.fromEntries(
        Object.keys(attributes).map((attribute) => [
          attribute,
          {
            default: null,
            parseHTML: (element) => element.getAttribute(attribute),
            renderHTML: (values) => (values[attribute] ? { [attribute]: values[attribute] } : {}),
          },
        ]),
      )
    },
    parseHTML() {
      return [{ tag, priority: 100 }]
    },
    renderHTML({ HTMLAttributes }) {
      return [tag.split("[")[0], HTMLAttributes, 0]
    },
    addMenuItems({ menu, buttons }) {
      menu.defineItem({
        name,
        groups: "marks",
        button: buttons.material(icon, title),
        active: (editor) => editor.isActive(name),
        command(editor) {
          if (editor.isActive(name) || !Object.keys(attributes).length) {
            editor.chain().focus().toggleMark(name).run()
            return
          }
          updateAttrsDialog(attributes, { title })(editor, {}).then((values) => {
            if (values) editor.chain().focus().setMark(name, values).run()
          })
        },
      })
    },
  })
}

export const Abbreviation = simpleMark("abbreviation", "abbr", "short_text", "Abbreviation", {
  title: { type: "string", title: "Written out in full", required: true },
})
export const Citation = simpleMark("citation", "cite", "menu_book", "Title of a work")
export const TimeMark = simpleMark("time", "time", "schedule", "Date or time", {
  datetime: { type: "string", title: "Machine-readable date, e.g. 2024-02-24 or 2024-02-24T05:00+02:00", required: true },
})
export const Inserted = simpleMark("inserted", "ins", "add_circle_outline", "Inserted text")
export const Deleted = simpleMark("deleted", "del", "remove_circle_outline", "Deleted text")
export const Language = simpleMark("language", "span[lang]", "translate", "Language of a quote", {
  lang: { type: "string", title: "Language code, e.g. uk or ru", required: true },
  dir: { type: "string", title: "Direction", enum: ["ltr", "rtl", "auto"], default: "ltr" },
})

const OWN = {
  TrailingNode: prose.TrailingNode,
  NewsPhoto,
  NewsGallery,
  NewsEmbed,
  PullQuote,
  FactBox,
  Blockquote: QuoteWithSource,
  Table: CaptionedTable,
  TableHeader: ScopedTableHeader,
  Abbreviation,
  Citation,
  TimeMark,
  Inserted,
  Deleted,
  Language,
}

// --- Start ------------------------------------------------------------------------------

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}")
  const extensions = []
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = OWN[name] || prose[name]
    if (!extension) continue
    extensions.push(typeof options === "object" ? extension.configure(options) : extension)
  }
  const disabled = textarea.hasAttribute("disabled")
  const wrapper = crel("div", { className: `prose-editor ${disabled ? "disabled" : ""}` })
  textarea.before(wrapper)
  wrapper.append(textarea)
  const editor = new Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false, // refused by the CSP; static/desk/editor.css has the rules
    newsroomEndpoints: config.endpoints || {}, // read by the photo and embed blocks
    onUpdate({ editor: current }) {
      // The empty line kept after a last photo or embed (for typing on) is not content.
      const html = current.getHTML().replace(/(<p><\/p>)+$/, "")
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html
      textarea.dispatchEvent(new Event("input", { bubbles: true }))
    },
    onDestroy() {
      wrapper.before(textarea)
      wrapper.remove()
    },
  })
  const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`)
  editor.view.dom.setAttribute("aria-label", label ? label.textContent.replace(/:$/, "") : "Body")
  editor.view.dom.setAttribute("role", "textbox")
  editor.view.dom.setAttribute("aria-multiline", "true")
  textarea.dispatchEvent(new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }))
  return editor
}

initializeEditors(createEditor, `[${ATTRIBUTE}]`)

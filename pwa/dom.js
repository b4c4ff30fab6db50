/** A small element builder, so views read as the markup they make. */

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'class') element.className = value;
    else if (name === 'value') element.value = value; // a textarea's or select's value is not an attribute
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A <label> and its <select>; options are [value, text] pairs. */
export function labelledSelect(id, label, options, value, onChange = () => {}) {
  return [h('label', { for: id }, label),
    h('select', { id, onchange: (event) => onChange(event.target.value) },
      options.map(([optionValue, text]) => h('option', { value: optionValue, selected: optionValue === value }, text)))];
}

export function replace(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

/** An <img> of a photo, filled in when its bytes are at hand; the object URL is freed when it goes. */
export function photoImage(loadBytes, alt) {
  const image = h('img', { alt, class: 'thumb', loading: 'lazy' });
  loadBytes().then((bytes) => {
    if (!bytes) return;
    const url = URL.createObjectURL(bytes);
    image.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
    image.src = url;
  }).catch(() => {});
  return image;
}

/**
 * The phone camera as a file input (hidden; its <label> is the big button).
 * Each chosen file is handed to `onFile` in turn, then `onDone` runs once.
 */
export function cameraInput(id, onFile, onDone, { disabled = false } = {}) {
  return h('input', {
    type: 'file', id, accept: 'image/*', capture: 'environment', multiple: true, class: 'visually-hidden', disabled,
    onchange: async (event) => {
      for (const file of event.target.files) await onFile(file);
      event.target.value = ''; // the same photo may be chosen again
      onDone();
    },
  });
}

/**
 * Say what an action did where the user is looking: a line put before `anchor`
 * (or at the top of `main`), scrolled into view, focused and read out, so a
 * confirmation is never left below the fold where the button was.
 */
export function announce(main, text, anchor = null) {
  main.querySelector('#outcome')?.remove();
  const note = h('p', { class: 'notice-ok outcome', id: 'outcome', role: 'status', tabindex: '-1' }, text);
  if (anchor) anchor.before(note);
  else main.prepend(note);
  note.focus({ preventScroll: true });
  note.scrollIntoView({ block: 'center' });
  return note;
}

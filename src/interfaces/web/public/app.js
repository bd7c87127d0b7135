// anirec's web page: plain DOM, no framework, no build step. The visitor's ratings live in localStorage
// and go with every /api/recommend request; the server keeps nothing about them.
const STORAGE_KEY = 'anirec.ratings.v1';
const SEARCH_DELAY_MS = 120;

const $ = (id) => document.getElementById(id);

/** Element helper: el('a', { href }, 'text', child...). Text goes in as text, never as HTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// --- ratings kept in the browser ---------------------------------------------------------------
function loadRatings() {
  try {
    const list = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((r) => Number.isInteger(r.animeId) && Number.isInteger(r.score) && r.score >= 1 && r.score <= 10) : [];
  } catch {
    return [];
  }
}
let ratings = loadRatings();
function saveRatings() {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(ratings));
}

// --- the API -----------------------------------------------------------------------------------
async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok) throw new Error(body.error ?? `the server answered ${response.status}`);
  return body;
}
function showStatus(message) {
  $('status').textContent = message;
  clearTimeout(showStatus.timer);
  if (message) showStatus.timer = setTimeout(() => ($('status').textContent = ''), 6000);
}
const fail = (error) => showStatus(error instanceof Error ? error.message : String(error));

function describe(anime) {
  return [anime.type, anime.year, anime.genres.slice(0, 3).join(', ')].filter(Boolean).join(' · ');
}
const malLink = (anime, className) => el('a', { href: anime.url, target: '_blank', rel: 'noopener', class: className }, anime.name);

// --- search with autocomplete (WAI-ARIA combobox with a listbox popup) ------------------------
const search = $('search');
const listbox = $('search-results');
let options = [];
let active = -1;
let chosen = null;
let searchSeq = 0;

function closeList() {
  listbox.hidden = true;
  search.setAttribute('aria-expanded', 'false');
  search.removeAttribute('aria-activedescendant');
  active = -1;
}
function setActive(index) {
  active = index;
  listbox.querySelectorAll('[role="option"]').forEach((node, i) => node.setAttribute('aria-selected', String(i === index)));
  if (index >= 0) {
    const node = $(`search-option-${index}`);
    search.setAttribute('aria-activedescendant', node.id);
    node.scrollIntoView({ block: 'nearest' });
  } else search.removeAttribute('aria-activedescendant');
}
function showOptions(results) {
  options = results;
  listbox.replaceChildren(
    ...results.map((anime, i) =>
      el('li', { id: `search-option-${i}`, role: 'option', 'aria-selected': 'false', onmousedown: (e) => e.preventDefault(), onclick: () => choose(anime) },
        anime.name, ' ', el('span', { class: 'meta' }, describe(anime))),
    ),
  );
  if (results.length === 0) listbox.append(el('li', { class: 'hint', role: 'presentation' }, 'No anime matches that.'));
  listbox.hidden = false;
  search.setAttribute('aria-expanded', 'true');
  setActive(-1);
}
async function runSearch() {
  const seq = ++searchSeq;
  const q = search.value.trim();
  if (q === '') return closeList();
  try {
    const { results } = await api(`/api/search?q=${encodeURIComponent(q)}`);
    if (seq === searchSeq) showOptions(results);
  } catch (error) {
    fail(error);
  }
}
let searchTimer;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, SEARCH_DELAY_MS);
});
search.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    if (listbox.hidden) return void runSearch();
    const n = options.length;
    if (n === 0) return;
    setActive(event.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
  } else if (event.key === 'Enter') {
    if (!listbox.hidden && options.length > 0) {
      event.preventDefault();
      choose(options[Math.max(0, active)]);
    }
  } else if (event.key === 'Escape') closeList();
});
search.addEventListener('blur', () => setTimeout(closeList, 100));

function choose(anime) {
  chosen = anime;
  closeList();
  search.value = anime.name;
  const link = $('chosen-name');
  link.textContent = anime.name;
  link.href = anime.url;
  $('chosen-meta').textContent = describe(anime);
  const held = ratings.find((r) => r.animeId === anime.animeId);
  if (held) $('score').value = String(held.score);
  $('chosen').hidden = false;
  $('score').focus();
}

$('rate-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (chosen === null) return;
  rate(chosen, Number($('score').value));
  chosen = null;
  $('chosen').hidden = true;
  search.value = '';
  search.focus();
});
$('chosen-similar').addEventListener('click', () => chosen && showSimilar(chosen));

// --- the visitor's ratings ---------------------------------------------------------------------
function rate(anime, score) {
  // No `from`: a rating made here belongs to the visitor, not to an import.
  const entry = { animeId: anime.animeId, name: anime.name, url: anime.url, score };
  const at = ratings.findIndex((r) => r.animeId === anime.animeId);
  if (at >= 0) ratings[at] = entry;
  else ratings.unshift(entry);
  saveRatings();
  renderRatings();
  refreshPicks();
}
function unrate(animeId) {
  ratings = ratings.filter((r) => r.animeId !== animeId);
  saveRatings();
  renderRatings();
  refreshPicks();
}
function scoreSelect(entry) {
  const select = el('select', { 'aria-label': `Your score for ${entry.name}`, onchange: (e) => rate(entry, Number(e.target.value)) });
  for (let s = 10; s >= 1; s--) select.append(el('option', { value: s, selected: s === entry.score }, String(s)));
  return select;
}
function renderRatings() {
  $('ratings-count').textContent = ratings.length > 0 ? `(${ratings.length})` : '';
  $('ratings-empty').hidden = ratings.length > 0;
  $('clear-ratings').hidden = ratings.length === 0;
  $('ratings').replaceChildren(
    ...ratings.map((entry) =>
      el('li', { 'data-anime-id': entry.animeId },
        el('span', { class: 'name' }, malLink({ ...entry, url: entry.url ?? `https://myanimelist.net/anime/${entry.animeId}` })),
        scoreSelect(entry),
        el('button', { type: 'button', class: 'secondary small', 'aria-label': `Similar to ${entry.name}`, onclick: () => showSimilar(entry) }, 'Similar'),
        el('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove my rating of ${entry.name}`, onclick: () => unrate(entry.animeId) }, 'Remove'),
      ),
    ),
  );
}
$('clear-ratings').addEventListener('click', () => {
  ratings = [];
  saveRatings();
  renderRatings();
  refreshPicks();
});

// --- "Import my list": the server fetches and maps the list, the browser keeps it -----------------
// Imported entries carry `from` (the source): importing the same source again replaces them, and a
// rating made here by hand (which has no `from`) stays unless the list names the anime.
function mergeImport(source, imported) {
  const incoming = new Map(imported.map((r) => [r.animeId, { animeId: r.animeId, name: r.name, url: r.url, score: r.score, from: source }]));
  const kept = ratings.filter((r) => !incoming.has(r.animeId) && r.from !== source);
  ratings = [...incoming.values(), ...kept];
  saveRatings();
  renderRatings();
  refreshPicks();
}
$('import-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const source = $('import-source').value;
  const user = $('import-user').value.trim();
  if (user === '') return;
  const button = $('import-button');
  button.disabled = true;
  $('import-note').textContent = 'Importing…';
  try {
    const result = await api('/api/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source, user }) });
    mergeImport(source, result.ratings);
    const notes = [
      result.watched > 0 ? `${result.watched} seen without a score left out` : '',
      result.unknown > 0 ? `${result.unknown} not in our catalogue${result.unknownNames.length > 0 ? ` (${result.unknownNames.join(', ')}${result.unknown > result.unknownNames.length ? ', …' : ''})` : ''}` : '',
    ].filter(Boolean);
    $('import-note').textContent = `Imported ${result.ratings.length} ratings of ${result.user}.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`;
  } catch (error) {
    $('import-note').textContent = error instanceof Error ? error.message : String(error);
  } finally {
    button.disabled = false;
  }
});

// --- picks and similar anime ---------------------------------------------------------------------
function card(anime, extra, label) {
  return el('li', { 'data-anime-id': anime.animeId },
    el('div', {}, malLink(anime, 'title')),
    el('div', { class: 'meta' }, describe(anime)),
    extra,
    el('div', { class: 'row actions' },
      el('button', { type: 'button', class: 'secondary small', 'aria-label': `Rate ${anime.name}`, onclick: () => { choose(anime); $('rate').scrollIntoView(); } }, 'Rate…'),
      el('button', { type: 'button', class: 'secondary small', 'aria-label': `Similar to ${anime.name}`, onclick: () => showSimilar(anime) }, label ?? 'Similar'),
    ),
  );
}

let picksSeq = 0;
let picksTimer;
function refreshPicks() {
  clearTimeout(picksTimer);
  picksTimer = setTimeout(loadPicks, 50);
}
async function loadPicks() {
  const seq = ++picksSeq;
  const body = {
    ratings: ratings.map(({ animeId, score }) => ({ animeId, score })),
    count: Number($('count').value),
    ...($('genre').value ? { genre: $('genre').value } : {}),
    ...($('type').value ? { type: $('type').value } : {}),
  };
  $('picks').setAttribute('aria-busy', 'true');
  try {
    const result = await api('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (seq !== picksSeq) return;
    $('picks-note').textContent = result.personalised
      ? `Picked for your ${ratings.length} rating${ratings.length === 1 ? '' : 's'}.`
      : 'The most popular anime: rate a few to get picks for you.';
    $('picks').replaceChildren(
      ...result.picks.map((pick) =>
        card(pick, pick.because.length > 0 ? el('p', { class: 'because' }, 'Because you liked ', el('strong', {}, pick.because.map((b) => b.name).join(', '))) : null),
      ),
    );
    if (result.picks.length === 0) $('picks').append(el('li', { class: 'hint' }, 'Nothing left that fits these filters.'));
  } catch (error) {
    if (seq === picksSeq) fail(error);
  } finally {
    if (seq === picksSeq) $('picks').removeAttribute('aria-busy');
  }
}
for (const id of ['genre', 'type', 'count']) $(id).addEventListener('change', refreshPicks);

async function showSimilar(anime) {
  try {
    const result = await api(`/api/similar/${anime.animeId}?count=10`);
    $('similar-note').replaceChildren('Most like ', malLink(result.anime), ':');
    $('similar-list').replaceChildren(
      ...result.similar.map((s) => card(s, el('p', { class: 'because' }, `${Math.round(s.similarity * 100)}% alike`), 'More like this')),
    );
    $('similar').scrollIntoView({ block: 'start' });
    $('similar-title').setAttribute('tabindex', '-1');
    $('similar-title').focus({ preventScroll: true });
  } catch (error) {
    fail(error);
  }
}

// --- filters and the evaluation report ----------------------------------------------------------
async function loadFilters() {
  const { genres, types } = await api('/api/filters');
  $('genre').append(...genres.map((g) => el('option', { value: g }, g)));
  $('type').append(...types.map((t) => el('option', { value: t }, t)));
}

const fmt = (x, digits = 4) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(digits));
async function loadReport() {
  const report = await api('/api/report');
  if (!report.available) {
    $('report-note').textContent = report.reason;
    return;
  }
  const k = report.rows[0]?.k ?? 10;
  const columns = [
    ['model', 'Model', (r) => r.model],
    ['rmse', 'RMSE', (r) => fmt(r.rmse)],
    ['mae', 'MAE', (r) => fmt(r.mae)],
    ['r2', 'R²', (r) => fmt(r.r2)],
    ['hit', `Hit@${k}`, (r) => fmt(r.hit)],
    ['recall', `Recall@${k}`, (r) => fmt(r.recall)],
    ['ndcg', `NDCG@${k}`, (r) => fmt(r.ndcg)],
    ['coverage', 'Coverage', (r) => fmt(r.coverage)],
    ['newPeopleRmse', 'New people RMSE', (r) => fmt(r.newPeopleRmse)],
    ['trainSeconds', 'Train s', (r) => fmt(r.trainSeconds, 1)],
  ];
  const table = $('report-table');
  $('report-caption').textContent =
    `anirec eval of ${new Date(report.savedAt).toLocaleString()}: split seed ${report.seed}, ${report.split.train.toLocaleString()} training rows, ` +
    `${report.split.test.toLocaleString()} test rows, ${report.split.heldOutUsers.toLocaleString()} held-out people.`;
  table.tHead.replaceChildren(el('tr', {}, ...columns.map(([, title]) => el('th', { scope: 'col' }, title))));
  table.tBodies[0].replaceChildren(
    ...report.rows.map((r) => el('tr', {}, ...columns.map(([key, , value], c) => (c === 0 ? el('th', { scope: 'row' }, value(r)) : el('td', { 'data-key': key }, value(r)))))),
  );
  table.hidden = false;
  const captions = { 'comparison.svg': 'Held-out RMSE and Hit@10 per model', 'curves.svg': 'Validation RMSE per epoch' };
  $('report-charts').replaceChildren(
    ...report.charts.map((src) => {
      const name = src.split('/').pop();
      return el('figure', {}, el('img', { src, alt: `Chart: ${captions[name] ?? name}`, loading: 'lazy', width: 640 }), el('figcaption', {}, captions[name] ?? name));
    }),
  );
}

renderRatings();
loadFilters().catch(fail);
loadPicks();
loadReport().catch(fail);

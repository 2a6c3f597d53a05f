// Starts Sveltia CMS on /admin/; cchc/editor/admin.py copies this file there, beside index.html,
// whose <script type="module" src="khoi-dong.js"> runs it.
//
// Opened from this machine (the `make edit` preview: http://127.0.0.1:<any port> or
// http://localhost:<any port>), the editor works on this computer's copy of the content: it starts
// with cau-hinh-cuc-bo.json, the configuration of config.yml with the local backend of `make edit`
// (a Gitea API v1 server on 127.0.0.1:<extra.editor.local_port>) in place of the public one; the
// editor signs in with the access token `make edit` prints (or the sign-in link it prints). Opened
// from anywhere else, Sveltia reads config.yml beside the page and offers the sign-in methods
// configured there.
//
// Either way the interface is in Vietnamese unless the editor chose another language in Sveltia's
// settings: Sveltia follows the browser's language, and ignores the `locale` option of config.yml.

const LOCAL_HOSTS = ['127.0.0.1', 'localhost'];
const LOCAL_CONFIG = 'cau-hinh-cuc-bo.json';
// Sveltia keeps its settings in localStorage under this key.
const PREFS = 'sveltia-cms.prefs';

const read = (key) => {
  try {
    const value = JSON.parse(window.localStorage.getItem(key) ?? 'null');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
};

const write = (key, value) => {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage refused: Sveltia says so itself.
  }
};

const prefs = read(PREFS);
if (!prefs.locale) write(PREFS, { ...prefs, locale: 'vi' });

const { protocol, hostname } = window.location;
/** @type {{ config?: object }} */
const options = {};

if (protocol === 'http:' && LOCAL_HOSTS.includes(hostname)) {
  const response = await fetch(LOCAL_CONFIG, { cache: 'no-cache' }).catch(() => undefined);
  if (response?.ok) options.config = await response.json();
}

const { init } = await import('./sveltia-cms.js');
init(options);

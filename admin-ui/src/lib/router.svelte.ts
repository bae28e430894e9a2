// Client-side routes under /admin/ (the gateway answers every such path with the app, so reloads work).

export const BASE = '/admin';

export const PAGES = [
  { id: 'overview', title: 'Overview' },
  { id: 'servers', title: 'Servers' },
  { id: 'tools', title: 'Tools' },
  { id: 'breakers', title: 'Breakers' },
  { id: 'cache', title: 'Cache' },
  { id: 'requests', title: 'Requests' },
  { id: 'llm', title: 'LLM providers' },
  { id: 'agent', title: 'Agent' },
  { id: 'plugins', title: 'Plugins' },
  { id: 'config', title: 'Config' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export class Router {
  path = $state(location.pathname);

  constructor() {
    window.addEventListener('popstate', () => (this.path = location.pathname));
  }

  /** `/admin/servers/notes` is page `servers` with the rest `['notes']`. */
  get page(): PageId {
    const id = this.segments[0] ?? 'overview';
    return PAGES.some((p) => p.id === id) ? (id as PageId) : 'overview';
  }

  get segments(): string[] {
    const rest = this.path.startsWith(BASE) ? this.path.slice(BASE.length) : this.path;
    return rest.split('/').filter(Boolean).map(decodeURIComponent);
  }

  href(...segments: string[]): string {
    return `${BASE}/${segments.map(encodeURIComponent).join('/')}`;
  }

  go(path: string): void {
    if (path === this.path) return;
    history.pushState(null, '', path);
    this.path = path;
    window.scrollTo(0, 0);
  }

  /** For `onclick` on links: plain left clicks navigate in the app; others (new tab) stay the browser's. */
  link = (event: MouseEvent): void => {
    const anchor = (event.currentTarget as HTMLElement).closest('a');
    if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.go(anchor.pathname);
  };
}

// The app's shared state, handed to every page through Svelte's typed context.
import { createContext } from 'svelte';
import type { Live } from './live.svelte.js';
import type { Router } from './router.svelte.js';
import type { Session } from './session.svelte.js';
import type { Theme } from './theme.svelte.js';

export interface AppState {
  session: Session;
  live: Live;
  router: Router;
  theme: Theme;
}

export const [useApp, provideApp] = createContext<AppState>();

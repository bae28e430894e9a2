// Light and dark: the system's preference by default, or the one picked with the toggle (kept in localStorage).

export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'localmcp-admin-theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];

export class Theme {
  choice = $state<ThemeChoice>((localStorage.getItem(KEY) as ThemeChoice | null) ?? 'system');

  apply(): void {
    const root = document.documentElement;
    if (this.choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = this.choice;
  }

  next(): void {
    this.choice = ORDER[(ORDER.indexOf(this.choice) + 1) % ORDER.length]!;
    localStorage.setItem(KEY, this.choice);
    this.apply();
  }
}

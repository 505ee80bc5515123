/** Vite's module types: CSS imports are side effects. */
declare module '*.css';

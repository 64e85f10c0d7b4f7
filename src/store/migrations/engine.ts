/** The two database engines, as migrations see them (import it from here, not index.ts: no cycle). */
export type Engine = 'sqlite' | 'postgres';

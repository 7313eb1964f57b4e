// Hash routing (#/ask, #/library, #/dashboard, #/keys): the server serves one page, nothing else.
import { useEffect, useState } from "react";

export const pages = ["ask", "library", "dashboard", "keys"] as const;
export type Page = (typeof pages)[number];

export function pageOf(hash: string): Page {
  const name = hash.replace(/^#\/?/u, "").split(/[/?]/u)[0];
  return (pages as readonly string[]).includes(name ?? "") ? (name as Page) : "ask";
}

export function useHashRoute(): Page {
  const [page, setPage] = useState(() => pageOf(window.location.hash));
  useEffect(() => {
    const update = () => setPage(pageOf(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return page;
}

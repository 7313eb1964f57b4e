// Dark mode: the system's preference until the user presses the toggle, then their choice (kept).
import { useEffect, useState } from "react";

const storageKey = "verity.theme";

function systemDark(): boolean {
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

export function useDarkMode(): [boolean, () => void] {
  const [choice, setChoice] = useState<"dark" | "light" | null>(() => {
    try {
      const saved = localStorage.getItem(storageKey);
      return saved === "dark" || saved === "light" ? saved : null;
    } catch {
      return null;
    }
  });
  const [system, setSystem] = useState(systemDark);
  useEffect(() => {
    const query = window.matchMedia?.("(prefers-color-scheme: dark)");
    const update = () => setSystem(query.matches);
    query?.addEventListener("change", update);
    return () => query?.removeEventListener("change", update);
  }, []);
  const dark = choice === null ? system : choice === "dark";
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? "dark" : "light";
  }, [dark]);
  const toggle = () => {
    const next = dark ? "light" : "dark";
    setChoice(next);
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Not kept: the choice lasts for this page.
    }
  };
  return [dark, toggle];
}

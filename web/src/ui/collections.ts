// The collections the signed-in key may read, shared by the Ask and Library pages.
import { useCallback, useEffect, useState } from "react";
import { api } from "../api/client";
import type { Collection } from "../api/types";

export function useCollections(): {
  collections: Collection[] | null;
  error: unknown;
  reload: () => Promise<void>;
} {
  const [collections, setCollections] = useState<Collection[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      const body = await api<{ collections: Collection[] }>("/api/v1/collections");
      setCollections(body.collections);
      setError(null);
    } catch (failure) {
      setError(failure);
      setCollections((current) => current ?? []);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { collections, error, reload };
}

const selectedKey = "verity.collection";

/** The collection chosen last (kept across pages), or the first one. */
export function useSelectedCollection(collections: Collection[] | null): [string, (name: string) => void] {
  const [selected, setSelected] = useState(() => {
    try {
      return sessionStorage.getItem(selectedKey) ?? "";
    } catch {
      return "";
    }
  });
  const names = collections?.map((collection) => collection.name) ?? [];
  const current = names.includes(selected) ? selected : (names[0] ?? "");
  const choose = (name: string) => {
    setSelected(name);
    try {
      sessionStorage.setItem(selectedKey, name);
    } catch {
      // Not kept.
    }
  };
  return [current, choose];
}

// The /inventory document (opencharge.md §2.5): validated once at start-up, prices kept as decimal strings.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJsonText } from '../json-text.ts';

const item = z
  .object({
    id: z.string().min(1).max(128),
    name: z.string().min(1),
    // Order amounts have at most two decimals (PROFILE §3), so prices may not have more.
    price: z.string().regex(/^\d{1,18}(\.\d{1,2})?$/, 'must be a decimal string with at most 2 decimals, like "2.50"'),
    description: z.string().optional(),
    quantity: z.number().int().min(0).optional(),
    min_qty: z.number().int().min(1).optional(),
    max_qty: z.number().int().min(1).optional(),
    images: z.array(z.string()).optional(),
    url: z.string().optional(),
  })
  .loose();

const inventorySchema = z.object({
  ocid: z.number().int().positive().optional(),
  currency: z.string().regex(/^[A-Z0-9]{3,5}$/),
  items: z.array(item).min(1),
});

export type InventoryItem = z.infer<typeof item>;
export interface Inventory {
  currency: string;
  items: Map<string, InventoryItem>;
  /** The published document (with our OCID filled in). */
  document: { ocid: number; currency: string; items: InventoryItem[] };
}

export function parseInventory(json: unknown, ocid: number, source: string): Inventory {
  const parsed = inventorySchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`OC_INVENTORY_FILE (${source}): ${i.path.join('.') || 'document'}: ${i.message}`);
  }
  const items = new Map<string, InventoryItem>();
  for (const it of parsed.data.items) {
    if (items.has(it.id)) throw new Error(`OC_INVENTORY_FILE (${source}): duplicate item id '${it.id}'`);
    if (it.min_qty !== undefined && it.max_qty !== undefined && it.min_qty > it.max_qty)
      throw new Error(`OC_INVENTORY_FILE (${source}): item '${it.id}' has min_qty > max_qty`);
    items.set(it.id, it);
  }
  return { currency: parsed.data.currency, items, document: { ocid, currency: parsed.data.currency, items: parsed.data.items } };
}

export function loadInventoryFile(path: string, ocid: number): Inventory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`OC_INVENTORY_FILE (${path}): cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseInventory(parseJsonText(text, `OC_INVENTORY_FILE: ${path}`), ocid, path);
}

// Defects the kit found in our own server, expected to fail until fixed, and the inventory the kit test serves.

/**
 * Real defects the kit found in our server (reported, not fixed here: the server is another engineer's).
 * Each must keep failing until fixed; then this test fails and the entry must go.
 */
export const KNOWN_SERVER_BUGS: Record<string, string> = {};

export const INVENTORY = {
  currency: 'USD',
  items: [
    { id: 'cola', name: 'Cola', price: '2.50', quantity: 10, min_qty: 2, max_qty: 5 },
    { id: 'chips', name: 'Chips', price: '1.20' },
  ],
};


//! A bounded table: a slab of entries with stable ids, an index by key, and eviction of the
//! least recently touched entry when full (second-chance / CLOCK, amortised O(1)), so a flood
//! of one-packet SAs cannot grow memory past the cap.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A stable id into a [`Table`]: slot index plus a generation, so an id of an evicted entry
/// never aliases its slot's next occupant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    slot: u32,
    generation: u32,
}

struct Slot<V> {
    generation: u32,
    value: Option<V>,
    /// Bumped on every touch; the eviction queue holds the stamp it saw.
    stamp: u64,
}

/// Entries must say their own key, so the index can be kept in step on eviction.
pub trait Keyed {
    type Key: Eq + Hash + Clone;
    fn key(&self) -> Self::Key;
    /// A second key the entry is also found by (an IKE SA keeps answering to its initiator
    /// cookie with a zero responder cookie). Removed with the entry.
    fn alias_key(&self) -> Option<Self::Key> {
        None
    }
}

pub struct Table<V: Keyed> {
    slots: Vec<Slot<V>>,
    free: Vec<u32>,
    index: HashMap<V::Key, Id>,
    /// Insertion/touch order for eviction: (slot, stamp when queued).
    queue: VecDeque<(u32, u64)>,
    clock: u64,
    cap: usize,
    len: usize,
    /// Entries removed because the table was full.
    pub evicted: u64,
}

impl<V: Keyed> Table<V> {
    pub fn new(cap: usize) -> Table<V> {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            index: HashMap::new(),
            queue: VecDeque::new(),
            clock: 0,
            cap: cap.max(1),
            len: 0,
            evicted: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn find(&self, key: &V::Key) -> Option<Id> {
        self.index.get(key).copied()
    }

    pub fn get(&self, id: Id) -> Option<&V> {
        let slot = self.slots.get(id.slot as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.value.as_ref()
    }

    /// Mutable access; marks the entry as recently used.
    pub fn get_mut(&mut self, id: Id) -> Option<&mut V> {
        self.clock += 1;
        let clock = self.clock;
        let slot = self.slots.get_mut(id.slot as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.stamp = clock;
        slot.value.as_mut()
    }

    /// Inserts `value`; if the table is full, first evicts the least recently touched entry,
    /// which is returned so the caller can conclude it (diagnose, count).
    pub fn insert(&mut self, value: V) -> (Id, Option<V>) {
        let evicted = if self.len >= self.cap {
            self.evict_one()
        } else {
            None
        };
        self.clock += 1;
        let key = value.key();
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    value: None,
                    stamp: 0,
                });
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        let id = match self.slots.get_mut(slot as usize) {
            Some(s) => {
                s.value = Some(value);
                s.stamp = self.clock;
                Id {
                    slot,
                    generation: s.generation,
                }
            }
            None => Id {
                slot,
                generation: 0,
            },
        };
        self.index.insert(key, id);
        self.queue.push_back((slot, self.clock));
        self.len += 1;
        (id, evicted)
    }

    /// Re-indexes an entry whose key changed (an IKE SA learning its responder cookie).
    pub fn rekey(&mut self, id: Id, old: &V::Key) {
        let Some((new, alias)) = self.get(id).map(|v| (v.key(), v.alias_key())) else {
            return;
        };
        if self.index.get(old) == Some(&id) {
            self.index.remove(old);
        }
        self.index.insert(new, id);
        // The alias keeps finding the entry (documented on `Keyed::alias_key`).
        if let Some(alias) = alias {
            self.index.insert(alias, id);
        }
    }

    /// Removes and returns the entry.
    pub fn remove(&mut self, id: Id) -> Option<V> {
        let slot = self.slots.get_mut(id.slot as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let value = slot.value.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.slot);
        self.len -= 1;
        for key in std::iter::once(value.key()).chain(value.alias_key()) {
            if self.index.get(&key) == Some(&id) {
                self.index.remove(&key);
            }
        }
        Some(value)
    }

    fn evict_one(&mut self) -> Option<V> {
        // Second chance: an entry touched since it was queued goes to the back with its new
        // stamp. Each entry is requeued at most once per touch, so this terminates.
        while let Some((slot, stamp)) = self.queue.pop_front() {
            let Some(s) = self.slots.get(slot as usize) else {
                continue;
            };
            if s.value.is_none() {
                continue;
            }
            if s.stamp != stamp {
                self.queue.push_back((slot, s.stamp));
                continue;
            }
            let id = Id {
                slot,
                generation: s.generation,
            };
            let v = self.remove(id);
            if v.is_some() {
                self.evicted += 1;
            }
            return v;
        }
        None
    }

    /// All live entries in id (creation-slot) order.
    pub fn iter(&self) -> impl Iterator<Item = (Id, &V)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| {
            let slot = u32::try_from(i).ok()?;
            s.value.as_ref().map(|v| {
                (
                    Id {
                        slot,
                        generation: s.generation,
                    },
                    v,
                )
            })
        })
    }

    /// Approximate heap bytes of the table's own bookkeeping (not the entries' heap data).
    pub fn overhead_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot<V>>()
            + self.index.capacity()
                * (std::mem::size_of::<V::Key>() + std::mem::size_of::<Id>() + 8)
            + self.queue.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct E(u32);
    impl Keyed for E {
        type Key = u32;
        fn key(&self) -> u32 {
            self.0
        }
    }

    #[test]
    fn evicts_least_recently_touched_when_full() {
        let mut t = Table::new(3);
        let (a, _) = t.insert(E(1));
        let (_b, _) = t.insert(E(2));
        let (_c, _) = t.insert(E(3));
        t.get_mut(a); // 1 is now fresher than 2
        let (_, ev) = t.insert(E(4));
        assert_eq!(ev, Some(E(2)));
        assert_eq!(t.len(), 3);
        assert_eq!(t.evicted, 1);
        assert!(t.find(&2).is_none());
        assert!(t.find(&1).is_some());
    }

    #[test]
    fn a_flood_stays_at_the_cap_and_ids_do_not_alias() {
        let mut t = Table::new(100);
        let (first, _) = t.insert(E(0));
        for k in 1..100_000 {
            t.insert(E(k));
        }
        assert_eq!(t.len(), 100);
        assert_eq!(t.evicted, 99_900);
        assert!(
            t.get(first).is_none(),
            "an evicted id must not see its slot's new occupant"
        );
        assert!(t.queue.len() <= 200, "queue bounded: {}", t.queue.len());
    }

    #[test]
    fn rekey_and_remove() {
        let mut t = Table::new(10);
        let (a, _) = t.insert(E(1));
        t.get_mut(a).unwrap().0 = 7;
        t.rekey(a, &1);
        assert_eq!(t.find(&7), Some(a));
        assert_eq!(t.find(&1), None);
        t.insert(E(20));
        assert_eq!(t.remove(a), Some(E(7)));
        assert_eq!(t.find(&7), None, "removal unindexes the entry");
        assert_eq!(t.len(), 1);
    }
}

import Foundation
import Testing

@testable import KvotaCore

@Suite("LayeredMap: a shared base and a small overlay")
struct LayeredMapTests {
    private func sorted(_ map: LayeredMap<String, Int>) -> [String] {
        map.entries.map { "\($0.key)=\($0.value)" }.sorted()
    }

    @Test("reads see the latest write")
    func readWrite() {
        var map = LayeredMap<String, Int>()
        #expect(map["a"] == nil)
        #expect(map.count == 0)
        map["a"] = 1
        map["b"] = 2
        map["a"] = 3
        #expect(map["a"] == 3)
        #expect(map["b"] == 2)
        #expect(map.count == 2)
    }

    @Test("a copy changed in its overlay leaves the original unchanged, before and after flatten")
    func copyOnChange() {
        var base = LayeredMap<String, Int>()
        for (index, key) in ["a", "b", "c"].enumerated() { base[key] = index }
        base.flatten()
        var copy = base
        copy["a"] = 100
        copy["d"] = 4
        copy["b"] = nil
        #expect(sorted(base) == ["a=0", "b=1", "c=2"])
        #expect(sorted(copy) == ["a=100", "c=2", "d=4"])
        copy.flatten()
        #expect(sorted(base) == ["a=0", "b=1", "c=2"])
        #expect(sorted(copy) == ["a=100", "c=2", "d=4"])
        // And the other way round: changing the original does not reach the copy.
        base["c"] = nil
        base["e"] = 5
        #expect(sorted(copy) == ["a=100", "c=2", "d=4"])
        #expect(sorted(base) == ["a=0", "b=1", "e=5"])
    }

    @Test("a copy taken with an unflattened overlay is independent too")
    func copyWithOverlay() {
        var map = LayeredMap<String, Int>()
        map["a"] = 1
        var copy = map
        copy["a"] = 2
        copy["b"] = nil
        #expect(map["a"] == 1)
        #expect(copy["a"] == 2)
        map.flatten()
        #expect(copy["a"] == 2)
    }

    @Test("setting nil is a tombstone: it hides the base entry from reads, entries and count")
    func tombstones() {
        var map = LayeredMap<String, Int>()
        map["a"] = 1
        map["b"] = 2
        map.flatten()
        map["a"] = nil
        #expect(map["a"] == nil)
        #expect(map.count == 1)
        #expect(sorted(map) == ["b=2"])
        // Writing again after the tombstone brings the key back.
        map["a"] = 7
        #expect(map["a"] == 7)
        #expect(sorted(map) == ["a=7", "b=2"])
        map["a"] = nil
        map.flatten()
        #expect(map["a"] == nil)
        #expect(sorted(map) == ["b=2"])
        // A tombstone for a key that never existed is harmless.
        map["zzz"] = nil
        #expect(map["zzz"] == nil)
        #expect(map.count == 1)
        map.flatten()
        #expect(map.count == 1)
    }

    @Test("flatten preserves content, whatever mix of base and overlay, and is idempotent")
    func flattenPreserves() {
        var rng = SeededRandom(seed: 7)
        var map = LayeredMap<Int, Int>()
        var model: [Int: Int] = [:]
        for step in 0..<5_000 {
            let key = Int.random(in: 0..<200, using: &rng)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                map[key] = nil
                model[key] = nil
            } else {
                map[key] = step
                model[key] = step
            }
            if step % 97 == 0 {
                map.flatten()
                if step % 2 == 0 { map.flatten() }
            }
            if step % 50 == 0 {
                #expect(Dictionary(uniqueKeysWithValues: map.entries.map { ($0.key, $0.value) }) == model)
                #expect(map.count == model.count)
            }
            #expect(map[key] == model[key])
        }
        let before = Dictionary(uniqueKeysWithValues: map.entries.map { ($0.key, $0.value) })
        map.flatten()
        #expect(Dictionary(uniqueKeysWithValues: map.entries.map { ($0.key, $0.value) }) == before)
        #expect(before == model)
    }

    @Test("a large overlay folds itself into the base without changing content or touching copies")
    func autoFlatten() {
        var base = LayeredMap<Int, Int>()
        for key in 0..<1_000 { base[key] = key }
        base.flatten()
        var copy = base
        for key in 0..<200_010 { copy[key] = -key }
        copy[5] = nil
        #expect(copy.count == 200_009)
        #expect(copy[5] == nil)
        #expect(copy[200_009] == -200_009)
        #expect(copy[999] == -999)
        #expect(base.count == 1_000)
        #expect(base[999] == 999)
        #expect(base[5] == 5)
    }

    @Test("entries lists each live key once, overlay over base")
    func entriesOnce() {
        var map = LayeredMap<String, Int>()
        map["a"] = 1
        map["b"] = 2
        map.flatten()
        map["a"] = 10
        map["c"] = 3
        let keys = map.entries.map(\.key)
        #expect(keys.count == Set(keys).count)
        #expect(sorted(map) == ["a=10", "b=2", "c=3"])
    }

    @Test("QuotaState copies are independent: deciding on a copy and changing it leaves the original")
    func stateCopies() throws {
        var world = try DomainFixtures.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(DomainFixtures.id(1))
        world.state.flatten()
        let original = world.state
        world.accept(
            try DomainFixtures.issue(DomainFixtures.id(101), application: DomainFixtures.id(1)),
            DomainFixtures.asRegion())
        #expect(original.permits[DomainFixtures.id(101)] == nil)
        #expect(original.applications[DomainFixtures.id(1)]?.issued == 0)
        #expect(original.book(DomainFixtures.quota).used(.almaty) == 0)
        #expect(world.state.applications[DomainFixtures.id(1)]?.issued == 1)
    }

    @Test(
        "keys placed by their own bits (ids, worker pseudonyms) behave as hashed keys do: every shard, copies, deletes")
    func ownBitKeys() throws {
        // Ids whose last byte takes every value, so every one of the 16 shards holds some.
        let ids = (0..<256).map { n in UUID(uuid: (0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, UInt8(n))) }
        #expect(Set(ids.map { LayeredMap<UUID, Int>.shard(of: $0) }) == Set(0..<16))
        var map = LayeredMap<UUID, Int>()
        for (index, id) in ids.enumerated() { map[id] = index }
        #expect(map.count == 256)
        var copy = map
        for id in ids where id.uuid.15 % 3 == 0 { copy[id] = nil }
        copy[ids[1]] = -1
        copy.flatten()
        #expect(map.count == 256 && ids.enumerated().allSatisfy { map[$1] == $0 })
        #expect(copy.count == 256 - 86)
        #expect(copy[ids[1]] == -1 && copy[ids[3]] == nil && copy[ids[2]] == 2)
        #expect(Set(copy.entries.map(\.key)) == Set(ids.filter { $0.uuid.15 % 3 != 0 }))

        var workers = LayeredMap<WorkerYear, UUID>()
        let refs = try (0..<64).map { n in try #require(WorkerRef(String(format: "%064x", n * 7919))) }
        let shards = Set(refs.map { LayeredMap<WorkerYear, UUID>.shard(of: WorkerYear(worker: $0, year: 2026)) })
        #expect(shards == Set(0..<16))
        for (index, ref) in refs.enumerated() { workers[WorkerYear(worker: ref, year: 2026)] = ids[index] }
        workers.reserveCapacity(1_000)
        #expect(workers.count == 64)
        #expect(refs.enumerated().allSatisfy { workers[WorkerYear(worker: $1, year: 2026)] == ids[$0] })
        #expect(workers[WorkerYear(worker: refs[0], year: 2025)] == nil)
    }
}

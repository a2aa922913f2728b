import Foundation
import KvotaCore

/// An event of a generated history before it has its place: payload, writer and times. Drafts are
/// sorted by `recordedAt` (then `seq`), then numbered into stream versions and given event ids.
struct EventDraft {
    /// Who writes the event, which sets its `meta`.
    enum Writer {
        /// A regional office: `akimat-kz-75-labour` on device `kz-75-office-<device>`.
        case region(Region, device: Int)
        /// The ministry's quota desk.
        case ministry
        /// The server (`kvotad`): expiry.
        case system
    }

    var recordedAt: Timestamp
    var occurredAt: Timestamp
    /// Creation order: breaks ties between equal `recordedAt` (one ministry batch, one night's expiries).
    var seq: Int
    var stream: String
    var type: String
    var data: JSONObject
    var writer: Writer
    /// The permit's region and +1 (issued) or -1 (revoked, expired): units in use.
    var usage: (region: Region, delta: Int)?
    /// A derived event id (expiry); others are drawn from the seed when the history is finished.
    var fixedId: UUID?

    /// The `meta` of the event as its writer sends it (`recordedAt` is the store's).
    var meta: EventMetadata {
        switch writer {
        case .region(let region, let device):
            let code = region.rawValue.lowercased()
            return EventMetadata(
                actor: "akimat-\(code)-labour", role: "region", region: region.rawValue,
                deviceId: "\(code)-office-\(device)",
                occurredAt: occurredAt)
        case .ministry:
            return EventMetadata(
                actor: "mintrud-quota-desk", role: "ministry", deviceId: "mintrud-hq-1", occurredAt: occurredAt)
        case .system:
            return EventMetadata(actor: "kvotad", role: "system", occurredAt: occurredAt)
        }
    }

    /// Sorts drafts into recording order and turns them into proposed events: `.noStream` for each
    /// stream's first event, `.exact(n)` after; event ids drawn from `ids` unless derived.
    static func finish(_ drafts: [EventDraft], ids: inout SeededRandom) -> [HistoricalEvent] {
        let ordered = drafts.sorted { ($0.recordedAt, $0.seq) < ($1.recordedAt, $1.seq) }
        var versions: [String: Int64] = [:]
        var events: [HistoricalEvent] = []
        events.reserveCapacity(ordered.count)
        for draft in ordered {
            let next = versions[draft.stream, default: 0]
            versions[draft.stream] = next + 1
            let event = ProposedEvent(
                eventId: draft.fixedId ?? ids.uuid(), stream: draft.stream,
                expectedVersion: next == 0 ? .noStream : .exact(next - 1), type: draft.type, data: draft.data,
                meta: draft.meta)
            events.append(HistoricalEvent(event: event, recordedAt: draft.recordedAt))
        }
        return events
    }
}

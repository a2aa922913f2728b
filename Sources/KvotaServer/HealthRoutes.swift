import Foundation
import Hummingbird
import KvotaStore

/// `GET /healthz` (the process is up) and `GET /readyz` (the database answers and its schema is current).
struct HealthRoutes: Sendable {
    let store: EventStore

    func register(on router: Router<KvotaRequestContext>) {
        router.get("healthz") { _, _ in
            Response.json(status: .ok, #"{"status":"ok"}"#)
        }
        router.get("readyz") { _, context in
            do {
                try await store.checkReady()
                return Response.json(status: .ok, #"{"status":"ready"}"#)
            } catch let error as StoreError where error.code == .starting {
                // An answer, not a failure: not logged as a failed request at every poll of a start.
                return Problem(status: .serviceUnavailable, code: error.code.rawValue, detail: error.message)
                    .response(requestId: context.requestId)
            } catch let error as StoreError {
                throw Problem(status: .serviceUnavailable, code: error.code.rawValue, detail: error.message)
            }
        }
    }
}

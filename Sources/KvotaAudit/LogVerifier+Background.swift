import Dispatch
import Synchronization

extension LogVerifier {
    /// A verifier fed from a download: bytes of the bulk export are gathered into blocks, and each
    /// block is verified on a thread of its own while the next one downloads, at most `ahead` blocks
    /// waiting. Verifying each small network buffer where it arrives would leave the download idle
    /// while it is checked, and hand the checkers chunks too small to spread across the cores.
    ///
    /// ```swift
    /// let background = LogVerifier.Background(taking: &verifier)
    /// for try await buffer in body { guard background.append(buffer) else { break } }
    /// verifier = background.finish()
    /// ```
    public final class Background: Sendable {
        private let verifier: Mutex<LogVerifier>
        private let block: Mutex<[UInt8]>
        private let blockBytes: Int
        private let slots: DispatchSemaphore
        private let queue = DispatchQueue(label: "kvota.audit.verify")
        private let failed = Atomic<Bool>(false)

        /// Takes `verifier` (leaving a new one in its place until ``finish()`` gives it back): a copy left
        /// with the caller would share the quota state's maps, and every change the replay makes to them
        /// would then go through a copy of its own. `blockBytes`: how much is gathered before a block is
        /// verified; `ahead`: blocks waiting at most.
        public init(taking verifier: inout LogVerifier, blockBytes: Int = 4 << 20, ahead: Int = 2) {
            var taken = LogVerifier()
            swap(&taken, &verifier)
            self.verifier = Mutex(taken)
            self.blockBytes = max(1, blockBytes)
            block = Mutex([])
            // Made at 0 and raised (libdispatch traps when a semaphore is freed below its initial value).
            slots = DispatchSemaphore(value: 0)
            for _ in 0..<max(1, ahead) { slots.signal() }
        }

        /// Takes the next bytes of the export; false once verification has failed (the rest is not needed).
        /// Blocks the caller while `ahead` blocks wait to be verified.
        public func append(_ bytes: some Collection<UInt8>) -> Bool {
            guard !failed.load(ordering: .relaxed) else { return false }
            // A block ends at a newline, so the verifier has no partial line to copy in front of the next.
            let full: [UInt8]? = block.withLock { block in
                block.append(contentsOf: bytes)
                guard block.count >= blockBytes, let last = block.lastIndex(of: UInt8(ascii: "\n")) else { return nil }
                var next = [UInt8]()
                next.reserveCapacity(blockBytes + (64 << 10))
                next.append(contentsOf: block[(last + 1)...])
                block.removeSubrange((last + 1)...)
                defer { block = next }
                return block
            }
            if let full { submit(full) }
            return !failed.load(ordering: .relaxed)
        }

        /// Verifies what is left and returns the verifier, every block verified.
        public func finish() -> LogVerifier {
            let rest = block.withLock { block in
                defer { block = [] }
                return block
            }
            if !rest.isEmpty { submit(rest) }
            queue.sync {}
            return verifier.withLock { verifier in
                var out = LogVerifier()
                swap(&out, &verifier)
                return out
            }
        }

        /// Stops: blocks not yet verified are skipped; returns when none is being verified.
        public func abandon() {
            failed.store(true, ordering: .relaxed)
            queue.sync {}
        }

        private func submit(_ bytes: [UInt8]) {
            slots.wait()
            queue.async { [self] in
                defer { slots.signal() }
                guard !failed.load(ordering: .relaxed) else { return }
                let failure = verifier.withLock { $0.append(exportBlock: bytes) }
                if failure != nil { failed.store(true, ordering: .relaxed) }
            }
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes at `index` are exactly `text`'s UTF-8: the one literal matcher of the byte
    /// readers (canonical event decoder, canonical check, the client's envelope scanner).
    public func hasLiteral(_ text: StaticString, at index: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index >= 0, index + count <= self.count else { return false }
        for offset in 0..<count where self[index + offset] != text.utf8Start[offset] { return false }
        return true
    }
}

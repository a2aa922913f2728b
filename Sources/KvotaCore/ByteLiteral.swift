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

extension UnsafeBufferPointer<UInt8> {
    /// Appends the hex digits at `range` to `word` (four bits each, most significant first): the one
    /// hex reader of the fixed-layout readers (UUID, worker ref). Digits and `a`-`f`, and `A`-`F` when
    /// `uppercase`; false (with `word` undefined) at any other byte. No branch per digit.
    func accumulateHex(_ range: Range<Int>, into word: inout UInt64, uppercase: Bool) -> Bool {
        let fold: UInt8 = uppercase ? 0x20 : 0
        var bad: UInt8 = 0
        for unit in self[range] {
            let digit = unit &- UInt8(ascii: "0")
            let letter = (unit | fold) &- UInt8(ascii: "a")
            bad |= (digit < 10 || letter < 6) ? 0 : 1
            word = word << 4 | UInt64((digit < 10 ? digit : letter &+ 10) & 0x0F)
        }
        return bad == 0
    }
}

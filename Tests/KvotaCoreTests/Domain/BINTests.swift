import KvotaCore
import Testing

/// The BIN check digit, worked by hand:
/// - `04074000112`: 0·1+4·2+0·3+7·4+4·5+0·6+0·7+0·8+1·9+1·10+2·11 = 97; 97 mod 11 = 9 → `040740001129`.
/// - `98765432109`: 9+16+21+24+25+24+21+16+9+0+99 = 264; 264 mod 11 = 0 → `987654321090`.
/// - `12345678901`: 1+4+9+16+25+36+49+64+81+0+11 = 296; 296 mod 11 = 10, so the second pass:
///   1·3+2·4+3·5+4·6+5·7+6·8+7·9+8·10+9·11+0·1+1·2 = 377; 377 mod 11 = 3 → `123456789013`.
/// - `00000000010`: 1·10 = 10 → second pass 1·1 = 1 → `000000000101`.
/// - `06870986119`: first pass 340 mod 11 = 10, second pass 340 mod 11 = 10: no check digit exists.
@Suite("BIN: 12 digits with a mod-11 check digit")
struct BINTests {
    @Test("valid BINs, first pass", arguments: ["040740001129", "987654321090", "000000000000", "200340001238"])
    func validFirstPass(text: String) throws {
        let bin = try #require(BIN(text))
        #expect(bin.digits == text)
        #expect(bin.description == text)
    }

    @Test(
        "valid BINs whose first sum mod 11 is 10 (second pass)",
        arguments: ["123456789013", "000000000101", "377835337400"])
    func validSecondPass(text: String) throws {
        let digits = text.utf8.map { Int($0 - 0x30) }
        let firstSum = digits.prefix(11).enumerated().map { ($0.offset + 1) * $0.element }.reduce(0, +)
        #expect(firstSum % 11 == 10)
        let bin = try #require(BIN(text))
        #expect(bin.digits == text)
    }

    @Test("checkDigit computes both passes")
    func checkDigit() {
        #expect(BIN.checkDigit([0, 4, 0, 7, 4, 0, 0, 0, 1, 1, 2][...]) == 9)
        #expect(BIN.checkDigit([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9][...]) == 0)
        #expect(BIN.checkDigit([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1][...]) == 3)
        #expect(BIN.checkDigit([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0][...]) == 1)
        #expect(BIN.checkDigit([0, 6, 8, 7, 0, 9, 8, 6, 1, 1, 9][...]) == nil)
    }

    @Test("every other last digit is refused", arguments: ["040740001129", "123456789013", "987654321090"])
    func wrongCheckDigit(text: String) {
        let prefix = String(text.prefix(11))
        for digit in 0...9 where String(digit) != String(text.last!) {
            #expect(BIN(prefix + String(digit)) == nil, "\(prefix)\(digit)")
        }
    }

    @Test("wrong length is refused", arguments: ["", "04074000112", "0407400011290", "0", "1234567890123456"])
    func wrongLength(text: String) {
        #expect(BIN(text) == nil)
    }

    @Test(
        "letters, signs, spaces and non-ASCII digits are refused",
        arguments: [
            "04074000112a", "O40740001129", " 40740001129", "04074000112 ", "-40740001129", "+40740001129",
            "0407400011٢9", "０40740001129", "04074.001129",
        ])
    func notDigits(text: String) {
        #expect(BIN(text) == nil)
    }

    @Test(
        "an 11-digit prefix with no valid check digit gives no BIN",
        arguments: ["06870986119", "77680075310", "77991951430"])
    func noCheckDigit(prefix: String) {
        let digits = prefix.utf8.map { Int($0 - 0x30) }
        #expect(BIN.checkDigit(digits[...]) == nil)
        for digit in 0...9 { #expect(BIN(prefix + String(digit)) == nil, "\(prefix)\(digit)") }
    }

    @Test("for any 11 digits, exactly one completion is valid, or none when checkDigit is nil")
    func atMostOneCompletion() {
        var rng = SeededRandom(seed: 0xB1_4)
        var withoutDigit = 0
        for _ in 0..<2_000 {
            let prefix = (0..<11).map { _ in Int.random(in: 0...9, using: &rng) }
            let valid = (0...9).filter { BIN(prefix.map(String.init).joined() + String($0)) != nil }
            if let check = BIN.checkDigit(prefix[...]) {
                #expect(valid == [check])
            } else {
                withoutDigit += 1
                #expect(valid.isEmpty)
            }
        }
        #expect(withoutDigit > 0)
    }

    @Test("BINs order by their digits")
    func ordering() throws {
        let a = try #require(BIN("000000000101"))
        let b = try #require(BIN("040740001129"))
        #expect(a < b)
        #expect(!(b < a))
        #expect(a == BIN("000000000101"))
    }
}

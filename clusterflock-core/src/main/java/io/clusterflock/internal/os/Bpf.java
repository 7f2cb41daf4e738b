package io.clusterflock.internal.os;

import java.util.List;

/**
 * Classic BPF, as the kernel's socket filters and reuseport groups take it: one instruction is
 * {@code {u16 code; u8 jt; u8 jf; u32 k}}, 8 bytes (linux/filter.h). Only what a reuseport
 * program and the shutdown's door (a socket filter) need is named here.
 *
 * @param code the operation
 * @param jt   for a conditional jump, how many instructions to skip when true
 * @param jf   … and when false
 * @param k    the constant operand
 */
public record Bpf(short code, byte jt, byte jf, int k) {
    /** The most instructions a program may have (BPF_MAXINSNS). */
    public static final int MAX_INSTRUCTIONS = 4096;
    /** Loads below this offset read the network header: {@code SKF_NET_OFF + n} is its byte n. */
    public static final int NET_OFF = -0x100000;

    private static final int LD = 0x00, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    private static final int W = 0x00, B = 0x10, ABS = 0x20;
    private static final int K = 0x00, X = 0x08;
    private static final int MUL = 0x20, AND = 0x50, RSH = 0x70, XOR = 0xa0;
    private static final int JA = 0x00, JEQ = 0x10, JGE = 0x30, JSET = 0x40;
    private static final int TAX = 0x00, TXA = 0x80;
    private static final int A = 0x10;

    private static Bpf of(int code, int k) {
        return new Bpf((short) code, (byte) 0, (byte) 0, k);
    }

    private static Bpf jump(int code, int k, int jt, int jf) {
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
            throw new IllegalArgumentException("a conditional jump goes 0 to 255 instructions ahead, not " + jt + "/" + jf);
        }
        return new Bpf((short) code, (byte) jt, (byte) jf, k);
    }

    /** A = the 32-bit word at {@code offset} of the packet, in network order. */
    public static Bpf loadWord(int offset) {
        return of(LD | W | ABS, offset);
    }

    /** A = the byte at {@code offset} of the packet. */
    public static Bpf loadByte(int offset) {
        return of(LD | B | ABS, offset);
    }

    public static Bpf multiply(int k) {
        return of(ALU | MUL | K, k);
    }

    public static Bpf shiftRight(int k) {
        return of(ALU | RSH | K, k);
    }

    public static Bpf and(int k) {
        return of(ALU | AND | K, k);
    }

    /** A ^= X. */
    public static Bpf xorX() {
        return of(ALU | XOR | X, 0);
    }

    /** X = A. */
    public static Bpf tax() {
        return of(MISC | TAX, 0);
    }

    /** A = X. */
    public static Bpf txa() {
        return of(MISC | TXA, 0);
    }

    /** Skips {@code k} instructions. */
    public static Bpf jumpAlways(int k) {
        return of(JMP | JA, k);
    }

    /** If A == k skip {@code jt} instructions, else {@code jf}. */
    public static Bpf jumpIfEqual(int k, int jt, int jf) {
        return jump(JMP | JEQ | K, k, jt, jf);
    }

    /** If A >= k (unsigned) skip {@code jt} instructions, else {@code jf}. */
    public static Bpf jumpIfAtLeast(int k, int jt, int jf) {
        return jump(JMP | JGE | K, k, jt, jf);
    }

    /** If {@code A & k} is not 0 skip {@code jt} instructions, else {@code jf}. */
    public static Bpf jumpIfAnySet(int k, int jt, int jf) {
        return jump(JMP | JSET | K, k, jt, jf);
    }

    /** Ends the program with {@code k}: for a reuseport group, the index of the socket that gets the connection. */
    public static Bpf returnConstant(int k) {
        return of(RET | K, k);
    }

    /** Ends the program with A. */
    public static Bpf returnA() {
        return of(RET | A, 0);
    }

    /** The program as the kernel reads it: 8 bytes per instruction, in the machine's byte order. */
    public static byte[] encode(List<Bpf> program) {
        if (program.isEmpty() || program.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a program has 1 to " + MAX_INSTRUCTIONS + " instructions, not " + program.size());
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(program.size() * 8).order(java.nio.ByteOrder.nativeOrder());
        for (Bpf instruction : program) {
            out.putShort(instruction.code).put(instruction.jt).put(instruction.jf).putInt(instruction.k);
        }
        return out.array();
    }
}

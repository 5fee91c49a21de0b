package org.cybexp.input.delivery.store;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a {@link MappedByteBuffer} at once. Java 17 has no public way: a mapping otherwise lives until the
 * buffer is garbage collected, and holds its file's space (a deleted outbox's) and its file system (no unmount)
 * until then. {@code sun.misc.Unsafe.invokeCleaner} is the way Lucene's MMapDirectory takes; it is looked up
 * through the platform class loader, so the bundle imports nothing for it. Where it is missing, the mapping is
 * left to the garbage collector.
 */
final class Unmapper {

    private static final MethodHandle CLEANER = cleaner();

    private Unmapper() {
    }

    /** Unmaps {@code buffer}; the caller guarantees no thread touches it again (that would crash the JVM). */
    static void unmap(MappedByteBuffer buffer) {
        if (CLEANER == null) {
            return;
        }
        try {
            CLEANER.invokeExact((ByteBuffer) buffer);
        } catch (Throwable e) {
            // not unmapped now: the garbage collector does it later
        }
    }

    private static MethodHandle cleaner() {
        try {
            Class<?> type = ClassLoader.getPlatformClassLoader().loadClass("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return MethodHandles.lookup()
                    .findVirtual(type, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

//
// PortableRuntime.cpp
//
// Linked into every executable of a SYGEN_PORTABLE build (the .rpm, see
// scripts/package.sh): the binaries carry libstdc++ and libgcc themselves
// (-static-libstdc++ -static-libgcc) and must need no glibc newer than 2.34
// (RHEL 9, Rocky/Alma 9, Fedora 36), while they are built on Debian 12 (glibc
// 2.36). scripts/package-test.sh checks the symbol versions of the result.
//
// _dl_find_object: GCC 12's static unwinder (libgcc_eh.a) finds the unwind
// tables of a code address with glibc's _dl_find_object, new in glibc 2.35, and
// without it no exception could be thrown. There is no older version of the
// symbol to bind to, so this file defines it: the linker resolves libgcc_eh's
// reference to this definition instead of to GLIBC_2.35. It does what glibc
// before 2.35 let libgcc do itself: walk the loaded objects with
// dl_iterate_phdr (GLIBC_2.2.5) and hand back the PT_GNU_EH_FRAME segment of the
// one whose PT_LOAD segments hold the address. libgcc reads only dlfo_eh_frame
// (and dlfo_eh_dbase on architectures that have it: not x86-64, refused
// below); the map bounds and the link map are filled in too. Slower than glibc's lock-free table, as
// exceptions were before glibc 2.35: they are not on any hot path here.
//
// arc4random: libstdc++.a's random.o (std::random_device, always linked: the
// old-ABI string instantiations name it) refers to glibc 2.36's arc4random.
// Defined here on getrandom(2) (GLIBC_2.25), failing as glibc's does when the
// kernel gives no entropy: a fatal error.
//

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <link.h>
#include <sys/random.h>


#if DLFO_STRUCT_HAS_EH_DBASE
// There libgcc also needs the object's data base (DW_EH_PE_datarel), which this
// replacement does not compute: only x86-64 and others without it are handled.
#error "PortableRuntime.cpp: _dl_find_object replacement lacks dlfo_eh_dbase for this architecture"
#endif


namespace {


struct ObjectSearch
{
	std::uintptr_t address = 0;
	bool found = false;
	std::uintptr_t mapStart = 0;
	std::uintptr_t mapEnd = 0;
	std::uintptr_t ehFrame = 0;
};


int searchObject(struct dl_phdr_info* info, std::size_t, void* data)
{
	auto* search = static_cast<ObjectSearch*>(data);
	bool holds = false;
	std::uintptr_t low = UINTPTR_MAX;
	std::uintptr_t high = 0;
	std::uintptr_t ehFrame = 0;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i)
	{
		const ElfW(Phdr)& header = info->dlpi_phdr[i];
		const std::uintptr_t start = info->dlpi_addr + header.p_vaddr;
		if (header.p_type == PT_LOAD)
		{
			const std::uintptr_t end = start + header.p_memsz;
			if (search->address >= start && search->address < end) holds = true;
			if (start < low) low = start;
			if (end > high) high = end;
		}
		else if (header.p_type == PT_GNU_EH_FRAME)
		{
			ehFrame = start;
		}
	}
	if (!holds) return 0;
	search->found = true;
	search->mapStart = low;
	search->mapEnd = high;
	search->ehFrame = ehFrame;
	return 1;
}


} // namespace


extern "C" int _dl_find_object(void* address, struct dl_find_object* result) noexcept
{
	ObjectSearch search;
	search.address = reinterpret_cast<std::uintptr_t>(address);
	dl_iterate_phdr(searchObject, &search);
	if (!search.found) return -1;

	*result = dl_find_object{};
	result->dlfo_map_start = reinterpret_cast<void*>(search.mapStart);
	result->dlfo_map_end = reinterpret_cast<void*>(search.mapEnd);
	result->dlfo_eh_frame = reinterpret_cast<void*>(search.ehFrame);
	// Outside the dl_iterate_phdr callback: dladdr1 takes the loader's lock too.
	Dl_info info;
	struct link_map* map = nullptr;
	if (dladdr1(address, &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) != 0) result->dlfo_link_map = map;
	return 0;
}


extern "C" std::uint32_t arc4random() noexcept
{
	std::uint32_t value = 0;
	for (;;)
	{
		const ssize_t n = getrandom(&value, sizeof(value), 0);
		if (n == static_cast<ssize_t>(sizeof(value))) return value;
		if (n < 0 && errno != EINTR)
		{
			std::fputs("Fatal error: cannot get entropy for arc4random\n", stderr);
			std::abort();
		}
	}
}

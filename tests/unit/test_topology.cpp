// test_topology.cpp: (being written)
#include <gtest/gtest.h>

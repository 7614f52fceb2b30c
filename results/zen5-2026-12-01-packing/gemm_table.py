import re,statistics,collections,sys
O=sys.argv[1]
d=collections.defaultdict(list); peaks=[]
for r in (1,2,3):
    for l in open('%s/gemm_peak_%d.txt'%(O,r)):
        f=l.split()
        if f and f[0]=='1': peaks.append(float(f[-1]))
    for l in open('%s/gemm_fractions_%d.txt'%(O,r)):
        m=re.match(r'(\S+)/real_time\s.*GFLOP/s=([\d.]+)/s',l)
        if m: d[m.group(1)].append(float(m.group(2))/peaks[-1])
print('FMA peaks measured before each round: %s GFLOP/s'%', '.join('%.1f'%p for p in peaks))
print('| highway, 1 thread | % of the round\'s FMA peak (3 rounds) | median |')
print('|---|---|---|')
for k in d:
    print('| %s | %s | %.1f%% |'%(k, ', '.join('%.1f'%(100*x) for x in d[k]), 100*statistics.median(d[k])))
